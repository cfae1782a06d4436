// SmtpClient: submits one email at a time to an SMTP server (RFC 5321), the way budget alert
// emails leave the gateway.
//
// One send() is one connection: greeting, EHLO (HELO when the server does not know EHLO),
// STARTTLS (RFC 3207) when `starttls` is set, then EHLO again over TLS, AUTH (RFC 4954: PLAIN, or
// LOGIN when that is all the server offers) when a username is set, MAIL FROM, one RCPT TO per
// recipient, DATA and QUIT. TLS is 1.2 or newer with the certificate chain checked against the
// system trust store (OpenSSL's default paths, so SSL_CERT_FILE / SSL_CERT_DIR are honoured, plus
// `ca_file`) and the certificate checked against `host`, as the upstream client does.
//
// With starttls set, a server that does not offer STARTTLS is refused before any credential or
// mail is sent: a man in the middle can strip the offer, and falling back to plain text would hand
// it the password. Every reply the session did not expect ends the send with an error carrying the
// command and the server's own text (`RCPT TO <x@y> was refused: 550 5.1.1 no such user`).
// Connecting is bounded by `connect_timeout`, every command's reply by `command_timeout`.
//
// Logs and errors never carry the password, the AUTH exchange or the message body.
//
// Errors are GatewayErrors (the project's one error value) with type `smtp_error` and codes
// smtp_transport, smtp_timeout, smtp_tls, smtp_refused (a reply the session could not go on
// from), smtp_insecure (STARTTLS required but not offered) and invalid_message. They are never
// shown to an API caller; AlertMailer logs them and stores them as the alert's last_error.
//
// One client per io_context; send() may be called again once the previous send finished.
#pragma once

#include "config/GatewayConfig.h"
#include "core/Expected.h"

#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace boost::asio::ssl {
class context;
}

namespace sluice::ledger {

struct SmtpClientOptions {
  std::string host;
  std::uint16_t port = 587;
  std::optional<std::string> username;  // AUTH only when set (with password)
  std::optional<config::Secret> password;
  bool starttls = true;
  std::chrono::milliseconds connect_timeout{10'000};
  std::chrono::milliseconds command_timeout{30'000};
  // The name this side gives in EHLO / HELO.
  std::string client_name = "localhost";
  // A PEM file of CA certificates trusted in addition to the system store: private CAs, tests.
  std::optional<std::string> ca_file;

  static SmtpClientOptions from(const config::EmailTransportConfig& transport);
};

struct MailMessage {
  std::string from_email;
  std::optional<std::string> from_name;  // non-ASCII is RFC 2047-encoded
  std::vector<std::string> to;
  std::string subject;
  std::string body;  // UTF-8 plain text; any line ending
};

class SmtpClient {
 public:
  using Options = SmtpClientOptions;

  // Throws boost::system::system_error when the TLS context or `ca_file` cannot be loaded.
  SmtpClient(boost::asio::io_context& io, Options options);
  ~SmtpClient();
  SmtpClient(const SmtpClient&) = delete;
  SmtpClient& operator=(const SmtpClient&) = delete;

  // Delivers `message` to every recipient, or fails without a partial delivery being reported as
  // success (a refused recipient fails the whole send).
  boost::asio::awaitable<Expected<std::monostate>> send(const MailMessage& message);

 private:
  boost::asio::io_context& io_;
  Options options_;
  std::unique_ptr<boost::asio::ssl::context> tls_context_;
};

// The RFC 5322 message (headers and body, CRLF line endings, no dot-stuffing), dated `date`,
// with `message_id` (without angle brackets). Bodies that are not plain ASCII in short lines are
// sent base64-encoded so no server needs 8BITMIME.
std::string render_mail(const MailMessage& message, std::chrono::system_clock::time_point date,
                        std::string_view message_id);

// `text` as the DATA section puts it on the wire: line endings normalised to CRLF, a leading
// `.` doubled on every line, ending in CRLF `.` CRLF.
std::string dot_stuffed(std::string_view text);

// A display name for a From header: quoted when ASCII, RFC 2047 encoded-words when not.
std::string encoded_display_name(std::string_view name);

// An RFC 5322 date-time in UTC: "Tue, 05 Mar 2024 10:00:00 +0000".
std::string mail_date(std::chrono::system_clock::time_point at);

}  // namespace sluice::ledger
