// FakeSmtpServer: an in-process SMTP server on 127.0.0.1 for the mail tests, on a thread and
// io_context of its own (so it can serve a client running on the test's thread or on the
// AlertMailer's).
//
// It speaks enough of RFC 5321 to take mail: EHLO (or only HELO), STARTTLS with a test
// certificate, AUTH PLAIN and LOGIN against one username and password, MAIL / RCPT / DATA /
// RSET / NOOP / QUIT. It records every command line and every accepted message, and can be told
// to answer a verb with a failure, or to accept connections and never say a word (timeouts).
#pragma once

#include "../upstream/TestCertificates.h"

#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

namespace sluice::ledger::test {

struct FakeSmtpOptions {
  // STARTTLS is offered when set.
  std::optional<upstream::test::TestCertificate> certificate;
  // Advertised after EHLO (over TLS when STARTTLS is offered); empty: no AUTH extension.
  std::vector<std::string> auth_mechanisms;
  std::string username;
  std::string password;
  bool knows_ehlo = true;  // false: EHLO gets 502, only HELO works
  bool silent = false;     // accept connections, never send a greeting
};

struct ReceivedMail {
  std::string from;
  std::vector<std::string> to;
  std::string wire_data;  // the DATA lines as sent, without the final `.` line
  std::string data;       // the same with dot-stuffing undone
  bool over_tls = false;
  std::optional<std::string> authenticated_as;
};

class FakeSmtpServer {
 public:
  explicit FakeSmtpServer(FakeSmtpOptions options = {});
  ~FakeSmtpServer();
  FakeSmtpServer(const FakeSmtpServer&) = delete;
  FakeSmtpServer& operator=(const FakeSmtpServer&) = delete;

  std::uint16_t port() const { return port_; }

  // From now on, answer `verb` (EHLO, STARTTLS, AUTH, MAIL, RCPT, DATA, or MESSAGE for the end
  // of the data) with `reply`, e.g. "550 5.1.1 no such user".
  void fail(const std::string& verb, const std::string& reply);
  void stop_failing();

  std::vector<ReceivedMail> messages() const;
  // Every command line received, in order (AUTH lines included, as a test needs to see them).
  std::vector<std::string> commands() const;

 private:
  class Session;

  boost::asio::awaitable<void> accept_loop();
  std::optional<std::string> failure_for(const std::string& verb) const;
  void record_command(const std::string& line);
  void record_message(ReceivedMail mail);

  const FakeSmtpOptions options_;
  boost::asio::io_context io_;
  std::unique_ptr<boost::asio::ssl::context> tls_context_;
  boost::asio::ip::tcp::acceptor acceptor_;
  std::uint16_t port_ = 0;
  mutable std::mutex mutex_;
  std::map<std::string, std::string> failures_;
  std::vector<ReceivedMail> messages_;
  std::vector<std::string> commands_;
  std::thread thread_;
};

}  // namespace sluice::ledger::test
