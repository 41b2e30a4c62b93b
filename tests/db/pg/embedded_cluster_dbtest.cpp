#include <gtest/gtest.h>
#include <pwd.h>
#include <sys/stat.h>
#include <unistd.h>

#include <array>
#include <exception>
#include <filesystem>
#include <latch>
#include <memory>
#include <pqxx/pqxx>
#include <string>
#include <thread>
#include <vector>

#include "patron/exception.hpp"
#include "patron/pg/embedded_cluster.hpp"
#include "support/temp_dir.hpp"
#include "support/test_cluster.hpp"

namespace patron::test {
namespace {

namespace fs = std::filesystem;
using pg::EmbeddedCluster;
using pg::EmbeddedClusterOptions;
using Rows = std::vector<std::vector<std::string>>;

bool running_as_root() { return ::geteuid() == 0; }

unsigned mode_of(const fs::path& path) {
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0) return 0;
    return st.st_mode & 07777U;
}

// The message of the EmbeddedClusterError that start() throws; empty if it throws nothing else.
std::string start_error(EmbeddedClusterOptions options) {
    try {
        auto cluster = EmbeddedCluster::start(std::move(options));
    } catch (const EmbeddedClusterError& e) {
        return e.what();
    }
    return "";
}

bool contains(const std::string& text, const std::string& part) {
    return text.find(part) != std::string::npos;
}

TEST(EmbeddedCluster, StartsANewClusterOnAPrivateSocketWithoutTcp) {
    TempDir tmp{"patron-ec", true};
    const fs::path dir = tmp.path() / "cluster";
    auto cluster = EmbeddedCluster::start({.directory = dir, .ephemeral = true});

    EXPECT_TRUE(cluster->started_here());
    EXPECT_EQ(cluster->directory(), dir);
    EXPECT_EQ(sql(cluster->url(), "SELECT 1"), (Rows{{"1"}}));
    EXPECT_EQ(sql(cluster->url(), "SELECT current_database(), current_user"),
              (Rows{{"patron", "patron"}}));

    EXPECT_EQ(mode_of(dir), 0700U);
    EXPECT_EQ(mode_of(dir / "run"), 0700U);
    EXPECT_TRUE(fs::is_socket(dir / "run" / ".s.PGSQL.5432"));
    EXPECT_EQ(sql(cluster->url(), "SHOW unix_socket_directories"),
              (Rows{{(dir / "run").string()}}));
    EXPECT_EQ(sql(cluster->url(), "SHOW listen_addresses"), (Rows{{""}}));
    if (running_as_root()) {
        const passwd* pw = ::getpwnam("postgres");
        ASSERT_NE(pw, nullptr);
        struct stat st {};
        ASSERT_EQ(::stat(dir.c_str(), &st), 0);
        EXPECT_EQ(st.st_uid, pw->pw_uid);
    }
}

TEST(EmbeddedCluster, ASecondStartOnTheSameDirectoryReusesTheRunningServer) {
    TempDir tmp{"patron-ec", true};
    const fs::path dir = tmp.path() / "cluster";
    auto first = EmbeddedCluster::start({.directory = dir, .ephemeral = true});
    ASSERT_TRUE(first->started_here());

    auto second = EmbeddedCluster::start({.directory = dir, .ephemeral = true});
    EXPECT_FALSE(second->started_here());
    EXPECT_EQ(second->url(), first->url());
    sql(first->url(), "CREATE TABLE shared (x integer); INSERT INTO shared VALUES (42)");
    EXPECT_EQ(sql(second->url(), "SELECT x FROM shared"), (Rows{{"42"}}));

    second.reset();
    EXPECT_EQ(sql(first->url(), "SELECT x FROM shared"), (Rows{{"42"}}));
    EXPECT_TRUE(fs::exists(dir / "data" / "PG_VERSION"));
}

TEST(EmbeddedCluster, RestartsAStoppedClusterWithItsData) {
    TempDir tmp{"patron-ec", true};
    const fs::path dir = tmp.path() / "cluster";
    auto owner = EmbeddedCluster::start({.directory = dir});
    ASSERT_TRUE(owner->started_here());
    const std::string url = owner->url();
    sql(url, "CREATE TABLE kept (x integer); INSERT INTO kept VALUES (7)");

    owner.reset();
    EXPECT_THROW(sql(url, "SELECT 1"), pqxx::broken_connection);
    EXPECT_TRUE(fs::exists(dir / "data" / "PG_VERSION"));

    auto again = EmbeddedCluster::start({.directory = dir});
    EXPECT_TRUE(again->started_here());
    EXPECT_EQ(again->url(), url);
    EXPECT_EQ(sql(again->url(), "SELECT x FROM kept"), (Rows{{"7"}}));
}

TEST(EmbeddedCluster, AnEphemeralClusterRemovesItsDirectory) {
    TempDir tmp{"patron-ec", true};
    const fs::path dir = tmp.path() / "cluster";
    auto cluster = EmbeddedCluster::start({.directory = dir, .ephemeral = true});
    ASSERT_TRUE(cluster->started_here());
    const std::string url = cluster->url();
    ASSERT_TRUE(fs::exists(dir / "data"));

    cluster.reset();
    EXPECT_FALSE(fs::exists(dir));
    EXPECT_THROW(sql(url, "SELECT 1"), pqxx::broken_connection);
}

TEST(EmbeddedCluster, MissingServerBinariesAreReportedWithTheirDirectory) {
    TempDir tmp{"patron-ec", true};
    const fs::path bin = tmp.path() / "no-postgres-here";
    const std::string message =
        start_error({.directory = tmp.path() / "cluster", .ephemeral = true, .bin_dir = bin});
    EXPECT_TRUE(contains(message, bin.string())) << message;
    EXPECT_FALSE(fs::exists(tmp.path() / "cluster"));
}

TEST(EmbeddedCluster, ADirectoryTooDeepForASocketPathIsRefused) {
    TempDir tmp{"patron-ec", true};
    const fs::path dir = tmp.path() / std::string(100, 'd');
    ASSERT_GT((dir / "run" / ".s.PGSQL.5432").string().size(), 107U);
    const std::string message = start_error({.directory = dir, .ephemeral = true});
    EXPECT_TRUE(contains(message, "too deep")) << message;
    EXPECT_FALSE(fs::exists(dir));
}

TEST(EmbeddedCluster, ASocketPathOfExactly107BytesIsAccepted) {
    TempDir tmp{"patron-ec", true};
    const std::string suffix = "/run/.s.PGSQL.5432";
    const std::size_t base = tmp.path().string().size() + 1;
    ASSERT_LT(base + suffix.size(), 107U);
    const fs::path dir = tmp.path() / std::string(107 - base - suffix.size(), 'd');
    ASSERT_EQ((dir / "run" / ".s.PGSQL.5432").string().size(), 107U);

    auto cluster = EmbeddedCluster::start({.directory = dir, .ephemeral = true});
    EXPECT_TRUE(cluster->started_here());
    EXPECT_EQ(sql(cluster->url(), "SELECT 1"), (Rows{{"1"}}));
}

TEST(EmbeddedCluster, AnUnknownServerUserIsNamed) {
    if (!running_as_root()) GTEST_SKIP() << "the server user is only switched to when root";
    TempDir tmp{"patron-ec", true};
    const std::string message = start_error({.directory = tmp.path() / "cluster",
                                             .ephemeral = true,
                                             .run_as_user = "no-such-user-xyz"});
    EXPECT_TRUE(contains(message, "no-such-user-xyz")) << message;
}

TEST(EmbeddedCluster, ADirectoryTheServerUserCannotReachIsExplained) {
    if (!running_as_root()) GTEST_SKIP() << "only root hands the directory to another user";
    TempDir closed{"patron-ec", false};  // mode 0700, owned by root
    ASSERT_EQ(mode_of(closed.path()), 0700U);
    const std::string message =
        start_error({.directory = closed.path() / "cluster", .ephemeral = true});
    EXPECT_TRUE(contains(message, "cannot enter the directory")) << message;
    EXPECT_TRUE(contains(message, "postgres")) << message;
}

TEST(EmbeddedCluster, TwoSimultaneousStartsOfANewDirectoryShareOneServer) {
    TempDir tmp{"patron-ec", true};
    const fs::path dir = tmp.path() / "cluster";
    std::array<std::unique_ptr<EmbeddedCluster>, 2> clusters;
    std::array<std::exception_ptr, 2> errors;
    std::latch start(2);
    std::vector<std::thread> threads;
    for (std::size_t i = 0; i < 2; ++i) {
        threads.emplace_back([&, i] {
            start.arrive_and_wait();
            try {
                clusters[i] = EmbeddedCluster::start({.directory = dir, .ephemeral = true});
            } catch (...) {
                errors[i] = std::current_exception();
            }
        });
    }
    for (auto& thread : threads) thread.join();
    ASSERT_FALSE(errors[0]);
    ASSERT_FALSE(errors[1]);
    ASSERT_TRUE(clusters[0] && clusters[1]);
    EXPECT_NE(clusters[0]->started_here(), clusters[1]->started_here());
    EXPECT_EQ(clusters[0]->url(), clusters[1]->url());
    EXPECT_EQ(sql(clusters[0]->url(), "SELECT 1"), (Rows{{"1"}}));

    // The one that did not start the server goes first; the owner then stops it.
    const std::size_t owner = clusters[0]->started_here() ? 0 : 1;
    clusters[1 - owner].reset();
    EXPECT_EQ(sql(clusters[owner]->url(), "SELECT 1"), (Rows{{"1"}}));
}

}  // namespace
}  // namespace patron::test
