#pragma once
// Where the executables' database is: the configured server, or the embedded cluster.

#include <memory>
#include <string>

#include "patron/config.hpp"
#include "patron/pg/embedded_cluster.hpp"

namespace patron::service {

/// The database an executable works on. With no URL configured, an embedded cluster under the
/// data directory is started (or reused) and kept for as long as this object lives.
struct DatabaseLocation {
    std::unique_ptr<pg::EmbeddedCluster> cluster;  ///< empty when a URL was configured
    std::string url;
};

/// @throws EmbeddedClusterError when the embedded cluster cannot start
[[nodiscard]] DatabaseLocation locate_database(const Config& config);

}  // namespace patron::service
