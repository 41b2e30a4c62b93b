#pragma once
// A fixed-size pool of libpqxx connections shared by the threads of a process.

#include <condition_variable>
#include <cstddef>
#include <functional>
#include <memory>
#include <mutex>
#include <pqxx/pqxx>
#include <string>
#include <vector>

#include "patron/store/database.hpp"

namespace patron::pg {

/// Hands out at most `size` connections, opening them lazily and preparing statements on each
/// new one. A connection found broken is closed instead of returned. Thread-safe.
class ConnectionPool {
public:
    using Preparer = std::function<void(pqxx::connection&)>;

    ConnectionPool(std::string url, std::size_t size, Preparer prepare);

    /// A connection on loan; returned to the pool on destruction.
    class Lease {
    public:
        Lease(ConnectionPool& pool, std::unique_ptr<pqxx::connection> connection)
            : pool_(&pool), connection_(std::move(connection)) {}
        Lease(Lease&& other) noexcept = default;
        Lease& operator=(Lease&&) = delete;
        ~Lease();
        [[nodiscard]] pqxx::connection& connection() const noexcept { return *connection_; }

    private:
        ConnectionPool* pool_;
        std::unique_ptr<pqxx::connection> connection_;
    };

    /// Waits for a free connection, opening a new one while fewer than `size` are open.
    /// @throws DatabaseError when a connection cannot be opened
    [[nodiscard]] Lease acquire();

    /// A snapshot of the pool's use.
    [[nodiscard]] store::PoolUse use() const;

private:
    void give_back(std::unique_ptr<pqxx::connection> connection) noexcept;

    const std::string url_;
    const std::size_t size_;
    const Preparer prepare_;
    mutable std::mutex mutex_;
    std::condition_variable available_;
    std::vector<std::unique_ptr<pqxx::connection>> idle_;
    std::size_t open_ = 0;
    std::size_t waiting_ = 0;
};

}  // namespace patron::pg
