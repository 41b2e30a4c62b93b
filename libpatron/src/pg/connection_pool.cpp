#include "pg/connection_pool.hpp"

#include <fmt/format.h>

#include <pqxx/pqxx>

#include "patron/exception.hpp"
#include "patron/pg/database.hpp"

namespace patron::pg {

ConnectionPool::ConnectionPool(std::string url, std::size_t size, Preparer prepare)
    : url_(std::move(url)), size_(size == 0 ? 1 : size), prepare_(std::move(prepare)) {}

ConnectionPool::Lease::~Lease() {
    if (connection_) pool_->give_back(std::move(connection_));
}

ConnectionPool::Lease ConnectionPool::acquire() {
    {
        std::unique_lock lock(mutex_);
        ++waiting_;
        available_.wait(lock, [&] { return !idle_.empty() || open_ < size_; });
        --waiting_;
        if (!idle_.empty()) {
            auto connection = std::move(idle_.back());
            idle_.pop_back();
            return Lease(*this, std::move(connection));
        }
        ++open_;  // reserve the slot; connect outside the lock
    }
    try {
        auto connection = std::make_unique<pqxx::connection>(url_);
        prepare_(*connection);
        return Lease(*this, std::move(connection));
    } catch (const std::exception& e) {
        {
            std::lock_guard lock(mutex_);
            --open_;
        }
        available_.notify_one();
        // libpq's connection messages name host and socket, never the password.
        throw DatabaseError(
            fmt::format("cannot connect to the database {}: {}", redact_url(url_), e.what()));
    }
}

store::PoolUse ConnectionPool::use() const {
    std::lock_guard lock(mutex_);
    return store::PoolUse{size_, open_, open_ - idle_.size(), waiting_};
}

void ConnectionPool::give_back(std::unique_ptr<pqxx::connection> connection) noexcept {
    {
        std::lock_guard lock(mutex_);
        if (connection->is_open()) {
            idle_.push_back(std::move(connection));
        } else {
            --open_;
        }
    }
    available_.notify_one();
}

}  // namespace patron::pg
