// TlsClientContext: the one way the gateway sets up TLS as a client (to upstreams, to an SMTP
// server): TLS 1.2 or newer, the system trust store (OpenSSL honours SSL_CERT_FILE / SSL_CERT_DIR),
// optionally one more CA file, and the peer's certificate chain verified. Host names are checked by
// the caller per connection (SNI and RFC 6125 host check), as each knows the name it dialled.
#pragma once

#include <boost/asio/ssl/context.hpp>

#include <memory>
#include <optional>
#include <string>

namespace sluice {

// Throws boost::system::system_error when TLS 1.2 cannot be required or `ca_file` cannot be read.
std::unique_ptr<boost::asio::ssl::context> make_verifying_tls_client_context(
    const std::optional<std::string>& ca_file);

}  // namespace sluice
