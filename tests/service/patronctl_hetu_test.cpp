#include <gtest/gtest.h>

#include "support/process.hpp"

namespace patron::test {
namespace {

ProcessResult patronctl(const std::vector<std::string>& args, const std::string& input = "") {
    std::vector<std::string> argv{PATRONCTL_PATH};
    argv.insert(argv.end(), args.begin(), args.end());
    return run_process(argv, input);
}

TEST(PatronctlHetuValidate, PrintsOneLinePerCodeAndFailsWhenAnyIsInvalid) {
    const auto result =
        patronctl({"hetu", "validate"}, "131052-308T\n131052-308U\r\n\n131052-908H\n");
    EXPECT_EQ(result.exit_code, 1);
    EXPECT_EQ(result.out,
              "valid 1952-10-13\n"
              "invalid check character does not match\n"
              "invalid must be exactly 11 characters\n"
              "invalid check character does not match\n");
}

TEST(PatronctlHetuValidate, ExitsZeroWhenAllAreValid) {
    const auto result = patronctl({"hetu", "validate"}, "131052-308T\n131052Y308T\n");
    EXPECT_EQ(result.exit_code, 0);
    EXPECT_EQ(result.out, "valid 1952-10-13\nvalid 1952-10-13\n");
}

}  // namespace
}  // namespace patron::test
