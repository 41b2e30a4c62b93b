#include "support/test_cluster.hpp"

#include <fmt/format.h>
#include <unistd.h>

#include <cstdlib>
#include <pqxx/pqxx>

#include "patron/pg/database.hpp"
#include "patron/pg/migrations.hpp"
#include "support/test_data.hpp"

namespace patron::test {
namespace {

constexpr const char* kTemplate = "patron_template";
TestServer* current = nullptr;

void admin(const std::string& url, const std::string& statement) {
    pqxx::connection connection(url);
    pqxx::nontransaction tx(connection);
    tx.exec0(statement);
}

}  // namespace

TestServer& TestServer::get() { return *current; }

TestServer::TestServer() {
    if (const char* url = std::getenv("PATRON_TEST_DATABASE_URL"); url != nullptr && *url != '\0') {
        base_url_ = url;
    } else {
        directory_ = std::make_unique<TempDir>("patron-test");
        cluster_ = pg::EmbeddedCluster::start({.directory = directory_->path(), .ephemeral = true});
        base_url_ = cluster_->url("postgres");
    }
    admin(base_url_, fmt::format("DROP DATABASE IF EXISTS {}_{}", kTemplate, ::getpid()));
    admin(base_url_,
          fmt::format("CREATE DATABASE {}_{} TEMPLATE template0", kTemplate, ::getpid()));
    pg::migrate(url(fmt::format("{}_{}", kTemplate, ::getpid())));
    current = this;
}

TestServer::~TestServer() {
    current = nullptr;
    try {
        admin(base_url_, fmt::format("DROP DATABASE IF EXISTS {}_{}", kTemplate, ::getpid()));
    } catch (...) {
        // The ephemeral cluster goes away with its directory anyway.
    }
}

std::string TestServer::create_database(bool migrated) {
    const std::string name = fmt::format("patron_test_{}_{}", ::getpid(), ++counter_);
    admin(base_url_, fmt::format("CREATE DATABASE {} TEMPLATE {}", name,
                                 migrated ? fmt::format("{}_{}", kTemplate, ::getpid())
                                          : std::string("template0")));
    return name;
}

void TestServer::drop_database(const std::string& name) {
    admin(base_url_, fmt::format("DROP DATABASE IF EXISTS {} WITH (FORCE)", name));
}

std::string TestServer::url(const std::string& database) const {
    // Keyword form: a later dbname overrides an earlier one. URI form: replace the path.
    if (base_url_.find("://") == std::string::npos) return base_url_ + " dbname=" + database;
    const auto query = base_url_.find('?');
    const auto path = base_url_.find('/', base_url_.find("://") + 3);
    std::string host = base_url_.substr(0, std::min(path, query));
    return host + "/" + database + (query == std::string::npos ? "" : base_url_.substr(query));
}

std::filesystem::path TestServer::bin_dir() const {
    if (cluster_) return cluster_->bin_dir();
    if (const char* dir = std::getenv("PATRON_PG_BINDIR"); dir != nullptr && *dir != '\0')
        return dir;
    return "/usr/lib/postgresql/15/bin";
}

std::vector<std::vector<std::string>> sql(const std::string& url, const std::string& statement) {
    pqxx::connection connection(url);
    pqxx::work tx(connection);
    std::vector<std::vector<std::string>> rows;
    for (const auto& row : tx.exec(statement)) {
        std::vector<std::string> values;
        for (const auto& field : row) values.push_back(field.is_null() ? "<null>" : field.c_str());
        rows.push_back(std::move(values));
    }
    tx.commit();
    return rows;
}

DbTest::DbTest() : keys_(test_keys()), clock_(Date{std::chrono::year{2026} / 11 / 24}) {}

void DbTest::SetUp() {
    name_ = TestServer::get().create_database();
    url_ = TestServer::get().url(name_);
    database_ = pg::open_database({.url = url_, .pool_size = 8});
}

void DbTest::TearDown() {
    database_.reset();
    TestServer::get().drop_database(name_);
}

std::vector<std::vector<std::string>> DbTest::sql(const std::string& statement) const {
    return test::sql(url_, statement);
}

std::string DbTest::sql_value(const std::string& statement) const {
    const auto rows = sql(statement);
    if (rows.size() != 1 || rows[0].size() != 1) {
        throw std::runtime_error("sql_value: expected one row with one column");
    }
    return rows[0][0];
}

}  // namespace patron::test
