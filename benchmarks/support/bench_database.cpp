#include "support/bench_database.hpp"

#include <fmt/format.h>
#include <openssl/evp.h>
#include <openssl/rand.h>
#include <stdlib.h>

#include <array>
#include <cstdlib>
#include <filesystem>
#include <pqxx/pqxx>

#include "patron/exception.hpp"
#include "patron/pg/database.hpp"
#include "patron/pg/migrations.hpp"

namespace patron::bench {
namespace {

std::filesystem::path cluster_directory(const std::string& name) {
    if (const char* dir = std::getenv("PATRON_BENCH_DIR"); dir != nullptr && *dir != '\0') {
        return std::filesystem::path(dir) / name;
    }
    std::string pattern = (std::filesystem::temp_directory_path() / "patron-bench-XXXXXX").string();
    if (::mkdtemp(pattern.data()) == nullptr)
        throw Exception("cannot create a temporary directory");
    return pattern;
}

std::string random_key_base64() {
    std::array<unsigned char, kKeyLength> key{};
    if (RAND_bytes(key.data(), static_cast<int>(key.size())) != 1) {
        throw Exception("no random bytes for the benchmark keys");
    }
    std::array<unsigned char, 4 * ((kKeyLength + 2) / 3) + 1> text{};
    EVP_EncodeBlock(text.data(), key.data(), static_cast<int>(key.size()));
    return reinterpret_cast<const char*>(text.data());
}

KeyRing random_keys() {
    return KeyRing::parse(
        fmt::format("[hetu_encryption]\ncurrent = 1\nkeys = {{ 1 = \"{}\" }}\n"
                    "[hetu_index]\ncurrent = 1\nkeys = {{ 1 = \"{}\" }}\n"
                    "[pin_pepper]\ncurrent = 1\nkeys = {{ 1 = \"{}\" }}\n",
                    random_key_base64(), random_key_base64(), random_key_base64()),
        "benchmark keys");
}

}  // namespace

BenchDatabase::BenchDatabase(const std::string& name)
    : cluster_(
          pg::EmbeddedCluster::start({.directory = cluster_directory(name), .ephemeral = true})),
      url_(cluster_->url()),
      keys_(random_keys()) {
    pg::migrate(url_);
    database_ = pg::open_database({.url = url_, .pool_size = 2});
}

void BenchDatabase::analyze() {
    pqxx::connection connection(url_);
    pqxx::nontransaction tx(connection);
    tx.exec0("ANALYZE");
}

std::string BenchDatabase::copy_database(const std::string& name) {
    database_.reset();
    {
        pqxx::connection connection(cluster_->url("postgres"));
        pqxx::nontransaction tx(connection);
        const std::string source = pqxx::connection(url_).dbname();
        // FILE_COPY copies the files instead of writing them all to the WAL (PostgreSQL 15's
        // default): much faster for a large register, and the cluster has no replica.
        tx.exec0(fmt::format("CREATE DATABASE {} TEMPLATE {} STRATEGY = FILE_COPY",
                             tx.quote_name(name), tx.quote_name(source)));
    }
    database_ = pg::open_database({.url = url_, .pool_size = 2});
    return cluster_->url(name);
}

BenchDatabase::~BenchDatabase() {
    database_.reset();  // close the connections before the server stops
}

}  // namespace patron::bench
