// patronctl keys init and the key file's protection: never overwritten, refused when others may
// read it, and never printed.

#include <gtest/gtest.h>

#include <filesystem>
#include <regex>

#include "patronctl_fixture.hpp"

namespace patron::test {
namespace {

using PatronctlKeys = PatronctlTest;

TEST_F(PatronctlKeys, InitCreatesAFileOnlyItsOwnerMayRead) {
    const auto result = patronctl({"keys", "init"});
    ASSERT_EQ(result.exit_code, 0);
    EXPECT_TRUE(has(result.out, "created key file"));
    const auto perms = std::filesystem::status(key_file()).permissions();
    EXPECT_TRUE(perms ==
                (std::filesystem::perms::owner_read | std::filesystem::perms::owner_write));
    const auto keys = key_material(read_file(key_file()));
    EXPECT_EQ(keys.size(), 3u);  // identity code encryption and index, PIN pepper
    for (const auto& key : keys) EXPECT_FALSE(has(result.out + result.err, key));
}

TEST_F(PatronctlKeys, InitNeverOverwritesAnExistingFile) {
    ASSERT_EQ(patronctl({"keys", "init"}).exit_code, 0);
    const std::string before = read_file(key_file());
    const auto again = patronctl({"keys", "init"});
    EXPECT_EQ(again.exit_code, 3);
    EXPECT_TRUE(has(again.err, "exists already"));
    EXPECT_TRUE(read_file(key_file()) == before);
}

TEST_F(PatronctlKeys, RefusesAKeyFileOthersMayReadAndSaysHowToFixIt) {
    ASSERT_EQ(patronctl({"demo"}).exit_code, 0);
    std::filesystem::permissions(
        key_file(), std::filesystem::perms::owner_read | std::filesystem::perms::owner_write |
                        std::filesystem::perms::group_read | std::filesystem::perms::others_read);
    const auto keys = key_material(read_file(key_file()));
    ASSERT_EQ(keys.size(), 3u);  // identity code encryption and index, PIN pepper
    for (const std::vector<std::string>& command :
         {std::vector<std::string>{"patron", "list"},
          std::vector<std::string>{"patron", "show", "--card", "DEMO0001"}}) {
        const auto result = patronctl(command);
        EXPECT_EQ(result.exit_code, 3);
        EXPECT_TRUE(has(result.err, "chmod 600"));
        EXPECT_TRUE(result.out.empty());
        for (const auto& key : keys) EXPECT_FALSE(has(result.out + result.err, key));
    }
}

TEST_F(PatronctlKeys, AMissingKeyFileIsAConfigurationFailure) {
    ASSERT_EQ(patronctl({"db", "migrate"}).exit_code, 0);
    const auto result = patronctl({"patron", "list"});
    EXPECT_EQ(result.exit_code, 3);
    EXPECT_TRUE(has(result.err, "key file"));
}

}  // namespace
}  // namespace patron::test
