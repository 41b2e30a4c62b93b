// redact_url: the database URL as it may appear in messages and logs, every password replaced.

#include <gtest/gtest.h>

#include <string>

#include "patron/pg/database.hpp"

namespace patron::pg {
namespace {

constexpr const char* kSecret = "s3cr3t-Pw";

bool contains(const std::string& text, const std::string& part) {
    return text.find(part) != std::string::npos;
}

// The redaction of `url`, checked to hold no trace of `secret`.
std::string redacted(const std::string& url, const std::string& secret = kSecret) {
    const std::string out = redact_url(url);
    EXPECT_FALSE(contains(out, secret)) << "the password survived redaction";
    return out;
}

TEST(RedactUrl, ReplacesPasswordOfUri) {
    EXPECT_EQ(redacted(std::string("postgresql://patron:") + kSecret + "@db.example:5432/patron"),
              "postgresql://patron:***@db.example:5432/patron");
    EXPECT_EQ(redacted(std::string("postgres://patron:") + kSecret + "@db/patron?sslmode=require"),
              "postgres://patron:***@db/patron?sslmode=require");
}

TEST(RedactUrl, ReplacesPasswordOfUriWithEmptyUser) {
    EXPECT_EQ(redacted(std::string("postgresql://:") + kSecret + "@db/patron"),
              "postgresql://:***@db/patron");
}

TEST(RedactUrl, ReplacesPercentEncodedPassword) {
    EXPECT_EQ(redacted("postgresql://patron:p%40ss%3Aword@db/patron", "p%40ss"),
              "postgresql://patron:***@db/patron");
}

TEST(RedactUrl, ReplacesPasswordOfUriWithSeveralHosts) {
    EXPECT_EQ(redacted(std::string("postgresql://patron:") + kSecret + "@db1:5432,db2:5433/patron"),
              "postgresql://patron:***@db1:5432,db2:5433/patron");
}

TEST(RedactUrl, ReplacesPasswordKeyword) {
    EXPECT_EQ(redacted(std::string("host=db user=patron password=") + kSecret + " dbname=patron"),
              "host=db user=patron password=*** dbname=patron");
    EXPECT_EQ(redacted(std::string("password=") + kSecret), "password=***");
    EXPECT_EQ(redacted(std::string("host=db password = ") + kSecret + " dbname=patron"),
              "host=db password = *** dbname=patron");
}

TEST(RedactUrl, ReplacesQuotedPasswordKeyword) {
    EXPECT_EQ(redacted("host=db password='se cret' dbname=patron", "se cret"),
              "host=db password=*** dbname=patron");
    const std::string escaped =
        redacted(R"(host=db password='it\'s se cret' dbname=patron)", "se cret");
    EXPECT_EQ(escaped, "host=db password=*** dbname=patron");
    EXPECT_FALSE(contains(escaped, "it\\'s"));
}

TEST(RedactUrl, ReplacesPasswordInUriQuery) {
    const std::string out =
        redacted(std::string("postgresql://patron@db/patron?password=") + kSecret);
    EXPECT_EQ(out, "postgresql://patron@db/patron?password=***");
    EXPECT_FALSE(contains(
        redacted(std::string("postgresql://db/patron?user=patron&password=") + kSecret), kSecret));
}

TEST(RedactUrl, KeepsUriParametersAfterAPasswordInTheQuery) {
    EXPECT_EQ(
        redacted(std::string("postgresql://db/patron?password=") + kSecret + "&sslmode=require"),
        "postgresql://db/patron?password=***&sslmode=require");
}

TEST(RedactUrl, ReplacesPasswordsGivenTwice) {
    const std::string out = redacted(std::string("postgresql://patron:") + kSecret +
                                     "@db/patron?password=other-" + kSecret);
    EXPECT_FALSE(contains(out, "other-"));
}

TEST(RedactUrl, LeavesUrlsWithoutPasswordUnchanged) {
    for (const std::string url :
         {"", "postgresql://patron@db.example/patron", "postgresql://db.example:5432/patron",
          "postgresql:///patron?host=/run/postgresql",
          "postgresql://patron@db:5432/patron?sslmode=verify-full",
          "host=/tmp dbname=patron user=patron",
          "host=db passfile=/etc/patron/pgpass dbname=patron"}) {
        EXPECT_EQ(redact_url(url), url);
    }
}

}  // namespace
}  // namespace patron::pg
