// ErrorCode names: stable, distinct, one per code.

#include "patron/result.hpp"

#include <gtest/gtest.h>

#include <set>
#include <string>

namespace patron {
namespace {

TEST(ErrorCodeName, NamesEveryCode) {
    EXPECT_EQ(to_string(ErrorCode::invalid_input), "invalid_input");
    EXPECT_EQ(to_string(ErrorCode::not_found), "not_found");
    EXPECT_EQ(to_string(ErrorCode::conflict), "conflict");
    EXPECT_EQ(to_string(ErrorCode::guardian_required), "guardian_required");
    EXPECT_EQ(to_string(ErrorCode::permission_denied), "permission_denied");
}

TEST(ErrorCodeName, GivesDistinctNames) {
    std::set<std::string_view> names;
    for (const ErrorCode code :
         {ErrorCode::invalid_input, ErrorCode::not_found, ErrorCode::conflict,
          ErrorCode::guardian_required, ErrorCode::permission_denied}) {
        EXPECT_TRUE(names.insert(to_string(code)).second) << to_string(code);
    }
}

TEST(ErrorCodeName, NamesAValueOutsideTheEnumerationUnknown) {
    EXPECT_EQ(to_string(static_cast<ErrorCode>(99)), "unknown");
}

TEST(ErrorResult, FailBuildsTheErrorSide) {
    const Result<int> result = fail(ErrorCode::conflict, "card_number", "already registered");
    ASSERT_FALSE(result.has_value());
    EXPECT_EQ(result.error(), (Error{ErrorCode::conflict, "card_number", "already registered"}));
    const Result<int> refused = invalid("email", "is empty");
    ASSERT_FALSE(refused.has_value());
    EXPECT_EQ(refused.error().code, ErrorCode::invalid_input);
    EXPECT_EQ(refused.error().field, "email");
    EXPECT_EQ(refused.error().message, "is empty");
}

}  // namespace
}  // namespace patron
