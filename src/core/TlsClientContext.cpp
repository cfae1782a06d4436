#include "core/TlsClientContext.h"

#include <boost/asio/error.hpp>
#include <boost/system/system_error.hpp>
#include <openssl/ssl.h>

namespace sluice {

std::unique_ptr<boost::asio::ssl::context> make_verifying_tls_client_context(
    const std::optional<std::string>& ca_file) {
  namespace asio = boost::asio;
  auto context = std::make_unique<asio::ssl::context>(asio::ssl::context::tls_client);
  if (SSL_CTX_set_min_proto_version(context->native_handle(), TLS1_2_VERSION) != 1) {
    throw boost::system::system_error(asio::error::invalid_argument, "TLS 1.2 cannot be required");
  }
  // The system trust store; OpenSSL reads SSL_CERT_FILE / SSL_CERT_DIR here when they are set.
  context->set_default_verify_paths();
  if (ca_file) context->load_verify_file(*ca_file);
  context->set_verify_mode(asio::ssl::verify_peer);
  return context;
}

}  // namespace sluice
