#include "common/tls.hpp"

#include <fmt/format.h>
#include <openssl/ssl.h>

#include "patron/exception.hpp"

namespace patron::service {

boost::asio::ssl::context make_tls_context(const ListenerSettings& listener) {
    namespace ssl = boost::asio::ssl;
    ssl::context context(ssl::context::tls_server);
    // SSL 3, TLS 1.0 and 1.1 are broken or deprecated (RFC 8996).
    context.set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 |
                        ssl::context::no_sslv3 | ssl::context::no_tlsv1 | ssl::context::no_tlsv1_1 |
                        ssl::context::single_dh_use);
    if (SSL_CTX_set_min_proto_version(context.native_handle(), TLS1_2_VERSION) != 1) {
        throw ConfigError("TLS: cannot require TLS 1.2");
    }
    boost::system::error_code ec;
    context.use_certificate_chain_file(listener.tls_certificate.string(), ec);
    if (ec) {
        throw ConfigError(fmt::format("TLS certificate {}: cannot be loaded: {}",
                                      listener.tls_certificate.string(), ec.message()));
    }
    // OpenSSL checks here that the key belongs to the certificate ("key values mismatch").
    context.use_private_key_file(listener.tls_key.string(), ssl::context::pem, ec);
    if (ec) {
        throw ConfigError(fmt::format("TLS key {}: cannot be loaded: {}", listener.tls_key.string(),
                                      ec.message()));
    }
    return context;
}

}  // namespace patron::service
