// patrond's JSON-lines log.

#include "common/log.hpp"

#include <gtest/gtest.h>

#include <regex>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

namespace patron::service {
namespace {

std::vector<nlohmann::json> lines_of(const std::string& text) {
    std::vector<nlohmann::json> lines;
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);) lines.push_back(nlohmann::json::parse(line));
    return lines;
}

TEST(Log, AccessLineCarriesTimestampKindAndFields) {
    std::ostringstream out;
    Log log(out);
    log.access({{"request_id", "ab-1"}, {"route", "/v1/patrons/{id}"}, {"status", 200}});
    const auto lines = lines_of(out.str());
    ASSERT_EQ(lines.size(), 1U);
    EXPECT_EQ(lines[0]["kind"], "access");
    EXPECT_EQ(lines[0]["route"], "/v1/patrons/{id}");
    EXPECT_EQ(lines[0]["status"], 200);
    const std::regex rfc3339(R"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z)");
    EXPECT_TRUE(std::regex_match(lines[0]["ts"].get<std::string>(), rfc3339)) << lines[0]["ts"];
}

TEST(Log, AppLineHasLevelAndMessage) {
    std::ostringstream out;
    Log log(out);
    log.app("warning", "drain deadline passed", {{"connections", 2}});
    log.app("info", "stopped");
    const auto lines = lines_of(out.str());
    ASSERT_EQ(lines.size(), 2U);
    EXPECT_EQ(lines[0]["kind"], "app");
    EXPECT_EQ(lines[0]["level"], "warning");
    EXPECT_EQ(lines[0]["message"], "drain deadline passed");
    EXPECT_EQ(lines[0]["connections"], 2);
    EXPECT_EQ(lines[1]["message"], "stopped");
}

TEST(Log, InvalidUtf8IsReplacedNotThrown) {
    std::ostringstream out;
    Log log(out);
    EXPECT_NO_THROW(log.app("error", "x", {{"error", std::string("bad \xff byte")}}));
    const auto lines = lines_of(out.str());
    ASSERT_EQ(lines.size(), 1U);
}

TEST(Log, ConcurrentWritersNeverInterleaveLines) {
    std::ostringstream out;
    Log log(out);
    std::vector<std::jthread> writers;
    for (int t = 0; t < 4; ++t) {
        writers.emplace_back([&log, t] {
            for (int i = 0; i < 200; ++i) log.access({{"writer", t}, {"i", i}});
        });
    }
    writers.clear();
    EXPECT_EQ(lines_of(out.str()).size(), 800U);
}

}  // namespace
}  // namespace patron::service
