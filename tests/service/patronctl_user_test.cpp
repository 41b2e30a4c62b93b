// patronctl run by an ordinary user: the embedded server then runs as that user itself (no
// switch of identity), with the data directory the user owns.

#include <gtest/gtest.h>
#include <pwd.h>
#include <sys/stat.h>
#include <unistd.h>

#include <nlohmann/json.hpp>

#include "patronctl_fixture.hpp"

namespace patron::test {
namespace {

constexpr const char* kUser = "postgres";

class PatronctlAsUser : public ::testing::Test {
protected:
    void SetUp() override {
        if (::geteuid() != 0) GTEST_SKIP() << "needs root to run patronctl as another user";
        const passwd* pw = ::getpwnam(kUser);
        if (pw == nullptr) GTEST_SKIP() << "no user " << kUser << " to run patronctl as";
        uid_ = pw->pw_uid;
        gid_ = pw->pw_gid;
        ASSERT_EQ(::chown(dir_.c_str(), uid_, gid_), 0);
        // A build tree the user cannot reach (e.g. under /root) says nothing about patronctl.
        if (as_user({"--help"}).exit_code != 0) {
            GTEST_SKIP() << "the built patronctl is not executable by " << kUser;
        }
    }

    // setpriv (util-linux) drops to the user with its groups and a clean environment.
    ProcessResult as_user(const std::vector<std::string>& args, const std::string& input = "") {
        std::vector<std::string> argv{"/usr/bin/setpriv",
                                      std::string("--reuid=") + kUser,
                                      std::string("--regid=") + kUser,
                                      "--init-groups",
                                      "--reset-env",
                                      PATRONCTL_PATH,
                                      "--data-dir",
                                      (dir_ / "data").string()};
        argv.insert(argv.end(), args.begin(), args.end());
        return run_process(argv, input);
    }

    TempDir temp_{"patronctl-user", true};
    std::filesystem::path dir_ = temp_.path();
    uid_t uid_ = 0;
    gid_t gid_ = 0;
};

TEST_F(PatronctlAsUser, RunsTheDemoAndListsItOnItsOwnEmbeddedServer) {
    const auto demo = as_user({"demo"});
    ASSERT_EQ(demo.exit_code, 0);
    EXPECT_TRUE(has(demo.out, "patron 3 (organisation)"));

    const auto list = as_user({"--json", "patron", "list"});
    ASSERT_EQ(list.exit_code, 0);
    EXPECT_EQ(nlohmann::json::parse(list.out)["patrons"].size(), 3u);

    struct stat st {};
    ASSERT_EQ(::stat((dir_ / "data" / "keys.toml").c_str(), &st), 0);
    EXPECT_EQ(st.st_uid, uid_);
    EXPECT_EQ(st.st_mode & 07777, 0600u);
    ASSERT_EQ(::stat((dir_ / "data" / "postgresql" / "data").c_str(), &st), 0);
    EXPECT_EQ(st.st_uid, uid_);
    // patronctl stopped the server it started: no postmaster.pid is left behind.
    EXPECT_FALSE(std::filesystem::exists(dir_ / "data" / "postgresql" / "data" / "postmaster.pid"));
}

}  // namespace
}  // namespace patron::test
