#include "patron/pg/database.hpp"

#include <fmt/format.h>

#include <regex>

#include "patron/exception.hpp"
#include "patron/pg/migrations.hpp"
#include "pg/audit_repository.hpp"
#include "pg/circulation_repository.hpp"
#include "pg/client_repository.hpp"
#include "pg/connection_pool.hpp"
#include "pg/errors.hpp"
#include "pg/loan_history_repository.hpp"
#include "pg/message_repository.hpp"
#include "pg/patron_repository.hpp"
#include "pg/pin_repository.hpp"
#include "pg/retention_repository.hpp"

namespace patron::pg {
namespace {

std::unique_ptr<pqxx::transaction_base> open_unit(pqxx::connection& connection,
                                                  store::Atomicity atomicity) {
    if (atomicity == store::Atomicity::statement) {
        return std::make_unique<pqxx::nontransaction>(connection);
    }
    return std::make_unique<pqxx::work>(connection);
}

class PgTransaction final : public store::Transaction {
public:
    PgTransaction(ConnectionPool::Lease lease, store::Atomicity atomicity)
        : lease_(std::move(lease)),
          work_(translated("begin", [&] { return open_unit(lease_.connection(), atomicity); })),
          patrons_(*work_),
          audit_(*work_),
          pins_(*work_),
          circulation_(*work_),
          messages_(*work_),
          loan_history_(*work_),
          clients_(*work_),
          retention_(*work_) {}

    store::PatronRepository& patrons() override { return patrons_; }
    store::AuditRepository& audit() override { return audit_; }
    store::PinRepository& pins() override { return pins_; }
    store::CirculationRepository& circulation() override { return circulation_; }
    store::MessageRepository& messages() override { return messages_; }
    store::LoanHistoryRepository& loan_history() override { return loan_history_; }
    store::ClientRepository& clients() override { return clients_; }
    store::RetentionRepository& retention() override { return retention_; }
    void commit() override {
        translated("commit", [&] { work_->commit(); });
    }

private:
    ConnectionPool::Lease lease_;                   // outlives the transaction using it
    std::unique_ptr<pqxx::transaction_base> work_;  // a work aborts unless committed
    PgPatronRepository patrons_;
    PgAuditRepository audit_;
    PgPinRepository pins_;
    PgCirculationRepository circulation_;
    PgMessageRepository messages_;
    PgLoanHistoryRepository loan_history_;
    PgClientRepository clients_;
    PgRetentionRepository retention_;
};

class PgDatabase final : public store::Database {
public:
    PgDatabase(std::string url, std::size_t pool_size)
        : pool_(std::move(url), pool_size, [](pqxx::connection& connection) {
              prepare_patron_statements(connection);
              prepare_audit_statements(connection);
              prepare_pin_statements(connection);
              prepare_circulation_statements(connection);
              prepare_message_statements(connection);
              prepare_loan_history_statements(connection);
              prepare_client_statements(connection);
          }) {}

    std::unique_ptr<store::Transaction> begin(store::Atomicity atomicity) override {
        return std::make_unique<PgTransaction>(pool_.acquire(), atomicity);
    }

    store::PoolUse pool_use() const override { return pool_.use(); }

    void ping() override {
        auto lease = pool_.acquire();
        translated("ping", [&] {
            pqxx::nontransaction work(lease.connection());
            work.exec("SELECT 1");
        });
    }

private:
    ConnectionPool pool_;
};

}  // namespace

std::unique_ptr<store::Database> open_database(const DatabaseOptions& options) {
    const SchemaStatus status = schema_status(options.url);
    if (status.newer_than_known()) {
        throw SchemaMismatch(fmt::format(
            "database schema is version {}, newer than this build of patron knows ({}): upgrade "
            "patron",
            status.database_version, status.known_version));
    }
    if (!status.up_to_date()) {
        throw SchemaMismatch(fmt::format(
            "database schema is version {}, this build needs {}: run `patronctl db migrate`",
            status.database_version, status.known_version));
    }
    return std::make_unique<PgDatabase>(options.url, options.pool_size);
}

std::string redact_url(const std::string& url) {
    // URI form: scheme://user:password@host  → scheme://user:***@host
    static const std::regex uri(R"(^([a-z]+://[^:/@]*):[^@]*@)", std::regex::icase);
    // keyword form: password=secret or password='se cret'
    static const std::regex keyword(R"((password\s*=\s*)('([^'\\]|\\.)*'|\S+))", std::regex::icase);
    // URI query parameters end at '&'; in the keyword form '&' may be part of the password.
    static const std::regex query(R"(([?&]password=)[^&]*)", std::regex::icase);
    static const std::regex scheme(R"(^[a-z]+://)", std::regex::icase);
    if (std::regex_search(url, scheme)) {
        return std::regex_replace(std::regex_replace(url, uri, "$1:***@"), query, "$1***");
    }
    return std::regex_replace(url, keyword, "$1***");
}

}  // namespace patron::pg
