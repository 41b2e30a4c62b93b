// patrond over TLS with a self-signed certificate made by the test: HTTPS works (TLS 1.2 or
// newer only), plain HTTP to the TLS port gets no answer, an outdated client is refused; and
// `patrond --check-config` on good and broken TLS settings.

#include <gtest/gtest.h>
#include <openssl/ssl.h>

#include <filesystem>

#include "patron/crypto/key_ring.hpp"
#include "service/patrond_fixture.hpp"

namespace patron::test {
namespace {

namespace fs = std::filesystem;

struct Certificate {
    fs::path certificate;
    fs::path key;
};

// A self-signed P-256 certificate for "localhost", valid for a day, made with the openssl tool.
Certificate make_certificate(const fs::path& dir, const std::string& name) {
    const Certificate made{dir / (name + "-cert.pem"), dir / (name + "-key.pem")};
    const auto result = run_process(
        {"/usr/bin/openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256",
         "-nodes", "-subj", "/CN=localhost", "-addext", "subjectAltName=DNS:localhost", "-days",
         "1", "-keyout", made.key.string(), "-out", made.certificate.string()});
    if (result.exit_code != 0) throw std::runtime_error("openssl req failed: " + result.err);
    return made;
}

std::string tls_section(const std::string& section, const Certificate& certificate,
                        const fs::path& key) {
    return "[" + section + "]\ntls_certificate = \"" + certificate.certificate.string() +
           "\"\ntls_key = \"" + key.string() + "\"\n";
}

class PatrondTls : public ::testing::Test {
protected:
    static void SetUpTestSuite() {
        certificates_ = std::make_unique<TempDir>("patrond-tls");
        certificate_ = make_certificate(certificates_->path(), "server");
        suite_.start(tls_section("http", certificate_, certificate_.key) +
                     tls_section("sip2", certificate_, certificate_.key));
    }
    static void TearDownTestSuite() {
        suite_.stop("the TLS patrond");
        certificates_.reset();
    }
    void SetUp() override { ASSERT_NE(suite_.get(), nullptr) << suite_.failure(); }

    static Patrond& daemon() { return *suite_.get(); }
    static ConnectOptions tls(int max_version = 0) {
        return ConnectOptions{.tls = TlsOptions{.trusted_certificate = certificate_.certificate,
                                                .max_version = max_version}};
    }

    static std::unique_ptr<TempDir> certificates_;
    static Certificate certificate_;
    static SuiteDaemon suite_;
};

std::unique_ptr<TempDir> PatrondTls::certificates_;
Certificate PatrondTls::certificate_;
SuiteDaemon PatrondTls::suite_;

TEST_F(PatrondTls, HttpsRequestsAreServedOverOneConnection) {
    HttpClient https(daemon().http_port(), tls());
    const auto health = https.get("/healthz");
    EXPECT_EQ(health.status, 200);
    EXPECT_FALSE(health.header("Strict-Transport-Security").empty());
    EXPECT_EQ(health.header("Cache-Control"), "no-store");
    const auto record = https.get("/v1/patrons/1", daemon().client("circulation").token);
    EXPECT_EQ(record.status, 200);
    EXPECT_EQ(https.get("/v1/patrons/1").status, 401);
    EXPECT_EQ(https.connections_opened(), 1U);
}

TEST_F(PatrondTls, TlsOneTwoAndNewerAreAccepted) {
    const Connection newest(daemon().http_port(), tls());
    EXPECT_TRUE(newest.tls_version() == "TLSv1.3" || newest.tls_version() == "TLSv1.2");
    const Connection one_two(daemon().http_port(), tls(TLS1_2_VERSION));
    EXPECT_EQ(one_two.tls_version(), "TLSv1.2");
}

TEST_F(PatrondTls, AnOutdatedClientIsRefused) {
    for (const int version : {TLS1_1_VERSION, TLS1_VERSION}) {
        SCOPED_TRACE(version);
        try {
            Connection outdated(daemon().http_port(), tls(version));
            ADD_FAILURE() << "a TLS handshake up to " << outdated.tls_version() << " succeeded";
        } catch (const NetError& e) {
            // The server's alert, not the client's own refusal to offer old versions.
            EXPECT_TRUE(has(e.what(), "alert protocol version")) << e.what();
        }
    }
    HttpClient https(daemon().http_port(), tls());
    EXPECT_EQ(https.get("/healthz").status, 200);
}

TEST_F(PatrondTls, PlainHttpToTheTlsPortGetsNoHttpAnswer) {
    Connection plain(daemon().http_port());
    ASSERT_TRUE(plain.send("GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"));
    const Received received = plain.read_until_closed(Millis(10'000));
    EXPECT_EQ(received.end, ReadEnd::closed);
    EXPECT_FALSE(received.data.starts_with("HTTP/"));
    HttpClient https(daemon().http_port(), tls());
    EXPECT_EQ(https.get("/healthz").status, 200);
}

TEST_F(PatrondTls, Sip2KiosksLogInOverTlsAndPlainTcpGetsNoAnswer) {
    const DemoClient& kiosk = daemon().client("kiosk");
    Connection secure(daemon().sip2_port(), tls());
    EXPECT_TRUE(secure.tls_version() == "TLSv1.3" || secure.tls_version() == "TLSv1.2");
    ASSERT_TRUE(secure.send("9300CN" + kiosk.name + "|CO" + kiosk.token + "|\r"));
    const Received login = secure.read_until("\r", Millis(10'000));
    ASSERT_EQ(login.end, ReadEnd::complete);
    EXPECT_EQ(login.data, "941\r");

    Connection plain(daemon().sip2_port());
    ASSERT_TRUE(plain.send("9900302.00\r"));
    const Received received = plain.read_until_closed(Millis(10'000));
    EXPECT_EQ(received.end, ReadEnd::closed);
    EXPECT_FALSE(received.data.starts_with("98"));
}

class PatrondCheckConfig : public ::testing::Test {
protected:
    void SetUp() override {
        std::filesystem::create_directories(data_dir_);
        KeyRing::create_file(data_dir_ / "keys.toml");
        server_ = make_certificate(dir_.path(), "server");
    }

    ProcessResult check(const std::string& config) {
        const auto file = dir_.file("patrond.toml", config);
        return run_patrond(
            {"--check-config", "--config", file.string(), "--data-dir", data_dir_.string()});
    }

    TempDir dir_{"patrond-check-config"};
    fs::path data_dir_ = dir_.path() / "data";
    Certificate server_;
};

TEST_F(PatrondCheckConfig, AGoodConfigurationIsOk) {
    const auto result = check(tls_section("http", server_, server_.key));
    EXPECT_EQ(result.exit_code, 0) << result.err;
    EXPECT_TRUE(has(result.out, "configuration ok"));
    EXPECT_TRUE(has(result.out, "(TLS)"));
    // Nothing was started: no embedded cluster was created.
    EXPECT_FALSE(fs::exists(data_dir_ / "postgresql"));
}

TEST_F(PatrondCheckConfig, AMissingCertificateFileIsNamed) {
    const Certificate missing{dir_.path() / "no-such-cert.pem", server_.key};
    for (const std::string_view section : {"http", "sip2"}) {
        SCOPED_TRACE(section);
        const auto result = check(tls_section(std::string(section), missing, server_.key));
        EXPECT_NE(result.exit_code, 0);
        EXPECT_TRUE(has(result.err, missing.certificate.string())) << result.err;
        EXPECT_FALSE(has(result.out, "configuration ok"));
    }
}

TEST_F(PatrondCheckConfig, AKeyOfAnotherCertificateIsRefused) {
    const Certificate other = make_certificate(dir_.path(), "other");
    const auto result = check(tls_section("http", server_, other.key));
    EXPECT_NE(result.exit_code, 0);
    EXPECT_TRUE(has(result.err, other.key.string())) << result.err;
    EXPECT_FALSE(has(result.out, "configuration ok"));
}

TEST_F(PatrondCheckConfig, ACertificateWithoutKeyIsRefused) {
    const auto result =
        check("[http]\ntls_certificate = \"" + server_.certificate.string() + "\"\n");
    EXPECT_NE(result.exit_code, 0);
    EXPECT_TRUE(has(result.err, "tls_key")) << result.err;
}

}  // namespace
}  // namespace patron::test
