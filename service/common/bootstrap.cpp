#include "common/bootstrap.hpp"

namespace patron::service {

DatabaseLocation locate_database(const Config& config) {
    if (config.database_url) return DatabaseLocation{nullptr, *config.database_url};
    auto cluster = pg::EmbeddedCluster::start({.directory = config.embedded_dir()});
    std::string url = cluster->url();
    return DatabaseLocation{std::move(cluster), std::move(url)};
}

}  // namespace patron::service
