// load_config: defaults, the TOML file, environment overrides (injected, so the process
// environment is never touched), and refusal of malformed files and bad values.

#include "patron/config.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "patron/exception.hpp"
#include "support/config_refusal.hpp"
#include "support/temp_dir.hpp"

namespace patron {
namespace {

namespace fs = std::filesystem;
using test::TempDir;

EnvLookup env_of(std::map<std::string, std::string> vars) {
    return [vars = std::move(vars)](const char* name) -> std::optional<std::string> {
        const auto it = vars.find(name);
        if (it == vars.end()) return std::nullopt;
        return it->second;
    };
}

const EnvLookup kNoEnv = env_of({{"HOME", "/home/tester"}});

bool contains(const std::string& text, const std::string& part) {
    return text.find(part) != std::string::npos;
}

// The message with which loading `file` is refused, or "(accepted)".
std::string refusal(const fs::path& file, const EnvLookup& env = kNoEnv) {
    return test::config_refusal([&] { (void)load_config(file, env); });
}

// --- defaults ------------------------------------------------------------------------------

TEST(LoadConfig, DefaultsWithoutFileOrEnvironment) {
    const Config config = load_config(std::nullopt, kNoEnv);
    const fs::path expected = ::geteuid() == 0 ? fs::path("/var/lib/patron")
                                               : fs::path("/home/tester/.local/share/patron");
    EXPECT_EQ(config.data_dir, expected);
    EXPECT_EQ(config.key_file, expected / "keys.toml");
    EXPECT_EQ(config.embedded_dir(), expected / "postgresql");
    EXPECT_FALSE(config.database_url.has_value());
    EXPECT_EQ(config.pool_size, 8U);
}

TEST(LoadConfig, DefaultDataDirFollowsTheUser) {
    const Config config =
        load_config(std::nullopt, env_of({{"HOME", "/home/tester"}, {"XDG_DATA_HOME", "/xdg"}}));
    if (::geteuid() == 0) {
        // Root: the system location, whatever HOME and XDG_DATA_HOME say.
        EXPECT_EQ(config.data_dir, fs::path("/var/lib/patron"));
    } else {
        EXPECT_EQ(config.data_dir, fs::path("/xdg/patron"));
    }
}

TEST(LoadConfig, DefaultDataDirWithoutHome) {
    if (::geteuid() == 0) {
        const Config config = load_config(std::nullopt, env_of({}));
        EXPECT_EQ(config.data_dir, fs::path("/var/lib/patron"));
    } else {
        EXPECT_THROW((void)load_config(std::nullopt, env_of({})), ConfigError);
        const Config config = load_config(std::nullopt, env_of({{"XDG_DATA_HOME", "/xdg"}}));
        EXPECT_EQ(config.data_dir, fs::path("/xdg/patron"));
    }
}

TEST(LoadConfig, KeyFileDefaultsToDataDir) {
    const Config config = load_config(std::nullopt, env_of({{"PATRON_DATA_DIR", "/srv/patron"}}));
    EXPECT_EQ(config.data_dir, fs::path("/srv/patron"));
    EXPECT_EQ(config.key_file, fs::path("/srv/patron/keys.toml"));
    EXPECT_EQ(config.embedded_dir(), fs::path("/srv/patron/postgresql"));
}

// --- file ------------------------------------------------------------------------------------

TEST(LoadConfig, ReadsEveryValueOfTheFile) {
    TempDir dir;
    const fs::path file = dir.file("patron.toml",
                                   "[database]\n"
                                   "url = \"postgresql://patron@db.example/patron\"\n"
                                   "pool_size = 16\n"
                                   "[paths]\n"
                                   "data_dir = \"/srv/patron\"\n"
                                   "key_file = \"/etc/patron/keys.toml\"\n");
    const Config config = load_config(file, kNoEnv);
    ASSERT_TRUE(config.database_url.has_value());
    EXPECT_EQ(*config.database_url, "postgresql://patron@db.example/patron");
    EXPECT_EQ(config.pool_size, 16U);
    EXPECT_EQ(config.data_dir, fs::path("/srv/patron"));
    EXPECT_EQ(config.key_file, fs::path("/etc/patron/keys.toml"));
}

TEST(LoadConfig, ReadsKioskAndCirculationRules) {
    TempDir dir;
    const fs::path file = dir.file("patron.toml",
                                   "[kiosk]\n"
                                   "failure_limit = 10\n"
                                   "failure_window_seconds = 120\n"
                                   "[circulation]\n"
                                   "fee_limit_cents = 2500\n"
                                   "hold_pickup_days = 10\n"
                                   "reminder_days_before = 3\n"
                                   "overdue_notice_days_after = 0\n"
                                   "invoice_due_days = 21\n");
    const Config config = load_config(file, kNoEnv);
    EXPECT_EQ(config.kiosk.failure_limit, 10);
    EXPECT_EQ(config.kiosk.failure_window, std::chrono::seconds(120));
    EXPECT_EQ(config.circulation.fee_limit_cents, 2500);
    EXPECT_EQ(config.circulation.hold_pickup_days, 10);
    EXPECT_EQ(config.circulation.reminder_days_before, 3);
    EXPECT_EQ(config.circulation.overdue_notice_days_after, 0);
    EXPECT_EQ(config.circulation.invoice_due_days, 21);
}

TEST(LoadConfig, RefusesCirculationRulesOutOfRange) {
    TempDir dir;
    for (const char* line :
         {"fee_limit_cents = -1", "hold_pickup_days = 0", "reminder_days_before = 61",
          "overdue_notice_days_after = 366", "invoice_due_days = 0", "invoice_due_days = \"14\""}) {
        SCOPED_TRACE(line);
        const std::string key(line, std::string_view(line).find(' '));
        const std::string message =
            refusal(dir.file("patron.toml", std::string("[circulation]\n") + line + "\n"));
        EXPECT_TRUE(contains(message, "circulation." + key)) << message;
    }
}

TEST(LoadConfig, TheFeeLimitIsACirculationRuleNotAKioskOne) {
    // One limit for the desk and the kiosks; the old place is refused rather than ignored.
    TempDir dir;
    const std::string message =
        refusal(dir.file("patron.toml", "[kiosk]\nfee_limit_cents = 500\n"));
    EXPECT_TRUE(contains(message, "kiosk.fee_limit_cents")) << message;
}

TEST(LoadConfig, EmptyFileKeepsDefaults) {
    TempDir dir;
    const Config config = load_config(dir.file("patron.toml", "# nothing\n"), kNoEnv);
    const Config defaults = load_config(std::nullopt, kNoEnv);
    EXPECT_EQ(config.data_dir, defaults.data_dir);
    EXPECT_EQ(config.key_file, defaults.key_file);
    EXPECT_EQ(config.pool_size, defaults.pool_size);
    EXPECT_FALSE(config.database_url.has_value());
}

TEST(LoadConfig, KeyFileFromFileDefaultsToDataDirOfFile) {
    TempDir dir;
    const Config config =
        load_config(dir.file("patron.toml", "[paths]\ndata_dir = \"/srv/patron\"\n"), kNoEnv);
    EXPECT_EQ(config.key_file, fs::path("/srv/patron/keys.toml"));
}

TEST(LoadConfig, EnvironmentOverridesTheFile) {
    TempDir dir;
    const fs::path file = dir.file("patron.toml",
                                   "[database]\nurl = \"postgresql://file@db/patron\"\n"
                                   "[paths]\ndata_dir = \"/file/data\"\n"
                                   "key_file = \"/file/keys.toml\"\n");
    const Config config = load_config(file, env_of({{"DATABASE_URL", "postgresql://env@db/patron"},
                                                    {"PATRON_DATA_DIR", "/env/data"},
                                                    {"PATRON_KEY_FILE", "/env/keys.toml"}}));
    ASSERT_TRUE(config.database_url.has_value());
    EXPECT_EQ(*config.database_url, "postgresql://env@db/patron");
    EXPECT_EQ(config.data_dir, fs::path("/env/data"));
    EXPECT_EQ(config.key_file, fs::path("/env/keys.toml"));
}

TEST(LoadConfig, EachEnvironmentVariableOverridesOnlyItsValue) {
    TempDir dir;
    const fs::path file = dir.file("patron.toml",
                                   "[database]\nurl = \"postgresql://file@db/patron\"\n"
                                   "[paths]\ndata_dir = \"/file/data\"\n"
                                   "key_file = \"/file/keys.toml\"\n");
    const Config data_dir = load_config(file, env_of({{"PATRON_DATA_DIR", "/env/data"}}));
    EXPECT_EQ(*data_dir.database_url, "postgresql://file@db/patron");
    EXPECT_EQ(data_dir.data_dir, fs::path("/env/data"));
    EXPECT_EQ(data_dir.key_file, fs::path("/file/keys.toml"));

    const Config key_file = load_config(file, env_of({{"PATRON_KEY_FILE", "/env/keys.toml"}}));
    EXPECT_EQ(key_file.data_dir, fs::path("/file/data"));
    EXPECT_EQ(key_file.key_file, fs::path("/env/keys.toml"));

    const Config url = load_config(file, env_of({{"DATABASE_URL", "postgresql://env@db/x"}}));
    EXPECT_EQ(*url.database_url, "postgresql://env@db/x");
    EXPECT_EQ(url.data_dir, fs::path("/file/data"));
}

TEST(LoadConfig, EmptyEnvironmentVariablesDoNotOverride) {
    TempDir dir;
    const fs::path file = dir.file("patron.toml",
                                   "[database]\nurl = \"postgresql://file@db/patron\"\n"
                                   "[paths]\ndata_dir = \"/file/data\"\n");
    const Config config = load_config(
        file, env_of({{"DATABASE_URL", ""}, {"PATRON_DATA_DIR", ""}, {"PATRON_KEY_FILE", ""}}));
    EXPECT_EQ(*config.database_url, "postgresql://file@db/patron");
    EXPECT_EQ(config.data_dir, fs::path("/file/data"));
    EXPECT_EQ(config.key_file, fs::path("/file/data/keys.toml"));
}

TEST(LoadConfig, MakesARelativeDataDirAbsolute) {
    TempDir dir;
    const Config from_file =
        load_config(dir.file("patron.toml", "[paths]\ndata_dir = \"rel/data\"\n"), kNoEnv);
    EXPECT_TRUE(from_file.data_dir.is_absolute());
    EXPECT_EQ(from_file.data_dir, fs::current_path() / "rel/data");
    EXPECT_EQ(from_file.key_file, fs::current_path() / "rel/data/keys.toml");

    const Config from_env = load_config(std::nullopt, env_of({{"PATRON_DATA_DIR", "env-data"}}));
    EXPECT_EQ(from_env.data_dir, fs::current_path() / "env-data");
    EXPECT_TRUE(from_env.key_file.is_absolute());
}

TEST(LoadConfig, AcceptsPoolSizeLimits) {
    TempDir dir;
    EXPECT_EQ(load_config(dir.file("a.toml", "[database]\npool_size = 1\n"), kNoEnv).pool_size, 1U);
    EXPECT_EQ(load_config(dir.file("b.toml", "[database]\npool_size = 1000\n"), kNoEnv).pool_size,
              1000U);
}

// --- refusals --------------------------------------------------------------------------------

TEST(LoadConfig, RefusesMissingFile) {
    TempDir dir;
    const fs::path file = dir.path() / "absent.toml";
    const std::string message = refusal(file);
    EXPECT_TRUE(contains(message, file.string())) << message;
}

TEST(LoadConfig, NamesFileAndLineOfMalformedToml) {
    TempDir dir;
    const fs::path file = dir.file("patron.toml",
                                   "[database]\n"
                                   "pool_size = 4\n"
                                   "url = \"postgresql://db/patron\n"
                                   "[paths]\n");
    const std::string message = refusal(file);
    EXPECT_TRUE(contains(message, file.string())) << message;
    EXPECT_TRUE(contains(message, "line 3")) << message;
}

TEST(LoadConfig, NamesLineOfDuplicateKey) {
    TempDir dir;
    const fs::path file = dir.file("patron.toml",
                                   "[paths]\n"
                                   "data_dir = \"/a\"\n"
                                   "\n"
                                   "data_dir = \"/b\"\n");
    const std::string message = refusal(file);
    EXPECT_TRUE(contains(message, file.string())) << message;
    EXPECT_TRUE(contains(message, "line 4")) << message;
}

TEST(LoadConfig, RefusesUnknownSection) {
    TempDir dir;
    const fs::path file =
        dir.file("patron.toml", "[database]\npool_size = 4\n[server]\nport = 1\n");
    const std::string message = refusal(file);
    EXPECT_TRUE(contains(message, file.string())) << message;
    EXPECT_TRUE(contains(message, "server")) << message;
    EXPECT_TRUE(contains(message, "unknown section")) << message;
}

TEST(LoadConfig, RefusesTopLevelKey) {
    TempDir dir;
    const std::string message = refusal(dir.file("patron.toml", "pool_size = 4\n"));
    EXPECT_TRUE(contains(message, "pool_size")) << message;
}

TEST(LoadConfig, RefusesSectionThatIsNotATable) {
    // `database = "..."` instead of `[database] url = "..."` must not silently fall back to the
    // embedded cluster.
    TempDir dir;
    const std::string message =
        refusal(dir.file("patron.toml", "database = \"postgresql://db/patron\"\n"));
    EXPECT_NE(message, "(accepted)");
    EXPECT_TRUE(contains(message, "database")) << message;
}

TEST(LoadConfig, RefusesUnknownKeyInASection) {
    // A misspelt `url` would otherwise run against the embedded cluster instead of the server.
    TempDir dir;
    const std::string message =
        refusal(dir.file("patron.toml", "[database]\nuri = \"postgresql://db/patron\"\n"));
    EXPECT_NE(message, "(accepted)");
    EXPECT_TRUE(contains(message, "uri")) << message;

    const std::string paths = refusal(dir.file("paths.toml", "[paths]\ndatadir = \"/srv\"\n"));
    EXPECT_NE(paths, "(accepted)");
    EXPECT_TRUE(contains(paths, "datadir")) << paths;
}

TEST(LoadConfig, RefusesPoolSizeOutOfRangeOrNotAnInteger) {
    TempDir dir;
    for (const char* value : {"0", "1001", "-1", "\"8\"", "8.5", "true", "[8]"}) {
        SCOPED_TRACE(value);
        const fs::path file =
            dir.file("patron.toml", std::string("[database]\npool_size = ") + value + "\n");
        const std::string message = refusal(file);
        EXPECT_TRUE(contains(message, "database.pool_size")) << message;
        EXPECT_TRUE(contains(message, file.string())) << message;
    }
}

TEST(LoadConfig, RefusesUrlThatIsNotAString) {
    TempDir dir;
    for (const char* value : {"5", "true", "[\"postgresql://db/patron\"]", "{ host = \"db\" }"}) {
        SCOPED_TRACE(value);
        const std::string message =
            refusal(dir.file("patron.toml", std::string("[database]\nurl = ") + value + "\n"));
        EXPECT_TRUE(contains(message, "database.url")) << message;
        EXPECT_TRUE(contains(message, "string")) << message;
    }
}

TEST(LoadConfig, RefusesPathsThatAreNotStrings) {
    TempDir dir;
    const std::string data_dir = refusal(dir.file("a.toml", "[paths]\ndata_dir = 5\n"));
    EXPECT_TRUE(contains(data_dir, "paths.data_dir")) << data_dir;
    const std::string key_file = refusal(dir.file("b.toml", "[paths]\nkey_file = [\"/k\"]\n"));
    EXPECT_TRUE(contains(key_file, "paths.key_file")) << key_file;
}

TEST(LoadConfig, ReadsTheDaemonSections) {
    TempDir dir;
    const fs::path file = dir.file("patron.toml",
                                   "[http]\n"
                                   "address = \"0.0.0.0\"\n"
                                   "port = 8443\n"
                                   "tls_certificate = \"/etc/patron/cert.pem\"\n"
                                   "tls_key = \"/etc/patron/key.pem\"\n"
                                   "max_connections = 50\n"
                                   "idle_timeout_seconds = 20\n"
                                   "threads = 4\n"
                                   "max_body_bytes = 4096\n"
                                   "max_header_bytes = 2048\n"
                                   "request_timeout_seconds = 5\n"
                                   "session_minutes = 30\n"
                                   "[sip2]\n"
                                   "enabled = false\n"
                                   "port = 6101\n"
                                   "max_connections = 7\n"
                                   "idle_timeout_seconds = 90\n"
                                   "max_message_bytes = 512\n"
                                   "encoding = \"utf-8\"\n"
                                   "disclose_name = true\n");
    const Config config = load_config(file, kNoEnv);
    EXPECT_EQ(config.http.listener.address, "0.0.0.0");
    EXPECT_EQ(config.http.listener.port, 8443);
    EXPECT_TRUE(config.http.listener.tls());
    EXPECT_EQ(config.http.listener.tls_key, "/etc/patron/key.pem");
    EXPECT_EQ(config.http.listener.max_connections, 50U);
    EXPECT_EQ(config.http.listener.idle_timeout, std::chrono::seconds(20));
    EXPECT_EQ(config.http.threads, 4U);
    EXPECT_EQ(config.http.max_body_bytes, 4096U);
    EXPECT_EQ(config.http.max_header_bytes, 2048U);
    EXPECT_EQ(config.http.request_timeout, std::chrono::seconds(5));
    EXPECT_EQ(config.http.session_lifetime, std::chrono::minutes(30));
    EXPECT_FALSE(config.sip2.enabled);
    EXPECT_EQ(config.sip2.listener.address, "127.0.0.1");
    EXPECT_EQ(config.sip2.listener.port, 6101);
    EXPECT_FALSE(config.sip2.listener.tls());
    EXPECT_EQ(config.sip2.listener.max_connections, 7U);
    EXPECT_EQ(config.sip2.listener.idle_timeout, std::chrono::seconds(90));
    EXPECT_EQ(config.sip2.max_message_bytes, 512U);
    EXPECT_EQ(config.sip2.encoding, Sip2Encoding::utf8);
    EXPECT_TRUE(config.sip2.disclose_name);
}

TEST(LoadConfig, DaemonDefaultsListenOnLoopback) {
    const Config config = load_config(std::nullopt, kNoEnv);
    EXPECT_EQ(config.http.listener.address, "127.0.0.1");
    EXPECT_EQ(config.http.listener.port, 8080);
    EXPECT_FALSE(config.http.listener.tls());
    EXPECT_TRUE(config.sip2.enabled);
    EXPECT_EQ(config.sip2.listener.port, 6001);
    EXPECT_EQ(config.sip2.encoding, Sip2Encoding::cp850);
    EXPECT_FALSE(config.sip2.disclose_name);
}

TEST(LoadConfig, RefusesBadDaemonValues) {
    TempDir dir;
    const std::vector<std::pair<std::string, std::string>> cases{
        {"[http]\nport = 65536\n", "http.port"},
        {"[http]\nport = \"8080\"\n", "http.port"},
        {"[http]\nthreads = 0\n", "http.threads"},
        {"[http]\nmax_body_bytes = 10\n", "http.max_body_bytes"},
        {"[http]\ntls_certificate = \"/c.pem\"\n", "http.tls_key"},
        {"[http]\naddress = 127\n", "http.address"},
        {"[sip2]\nencoding = \"latin1\"\n", "sip2.encoding"},
        {"[sip2]\nenabled = \"yes\"\n", "sip2.enabled"},
        {"[sip2]\nmax_message_bytes = 10\n", "sip2.max_message_bytes"},
        {"[sip2]\nlisten = 1\n", "sip2.listen"},
    };
    for (const auto& [text, key] : cases) {
        SCOPED_TRACE(key);
        const std::string message = refusal(dir.file("patron.toml", text));
        EXPECT_TRUE(contains(message, key)) << message;
    }
}

TEST(LoadConfig, PortsFromTheEnvironment) {
    const Config config = load_config(std::nullopt, env_of({{"HOME", "/home/tester"},
                                                            {"PATRON_HTTP_PORT", "0"},
                                                            {"PATRON_SIP2_PORT", "7001"}}));
    EXPECT_EQ(config.http.listener.port, 0);
    EXPECT_EQ(config.sip2.listener.port, 7001);
    for (const char* bad : {"70000", "-1", "80x", " 80"}) {
        SCOPED_TRACE(bad);
        try {
            (void)load_config(std::nullopt,
                              env_of({{"HOME", "/home/tester"}, {"PATRON_HTTP_PORT", bad}}));
            ADD_FAILURE() << "accepted";
        } catch (const ConfigError& e) {
            EXPECT_TRUE(contains(e.what(), "PATRON_HTTP_PORT")) << e.what();
        }
    }
}

}  // namespace
}  // namespace patron
