#pragma once
// The TLS server context of a listener (HTTP or SIP2): TLS 1.2 or newer only.

#include <boost/asio/ssl/context.hpp>

#include "patron/daemon_settings.hpp"

namespace patron::service {

/// A server context with the listener's certificate chain and key. Precondition:
/// `listener.tls()`.
/// @throws ConfigError naming the file (never its contents) when either cannot be loaded or
/// the key is not the certificate's
[[nodiscard]] boost::asio::ssl::context make_tls_context(const ListenerSettings& listener);

}  // namespace patron::service
