#include "FakeSmtpServer.h"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/buffer.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/read_until.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <openssl/evp.h>

#include <algorithm>
#include <cctype>

namespace sluice::ledger::test {
namespace {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;
using boost::system::error_code;

constexpr auto use_nothrow = asio::as_tuple(asio::use_awaitable);

std::string decode_base64(const std::string& text) {
  std::string bytes(text.size(), '\0');
  const int length = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(bytes.data()),
                                     reinterpret_cast<const unsigned char*>(text.data()),
                                     static_cast<int>(text.size()));
  if (length < 0) return {};
  std::size_t size = static_cast<std::size_t>(length);
  // EVP_DecodeBlock counts padding as zero bytes.
  for (auto it = text.rbegin(); it != text.rend() && *it == '=' && size > 0; ++it) --size;
  bytes.resize(size);
  return bytes;
}

std::string verb_of(const std::string& line) {
  std::string verb = line.substr(0, line.find_first_of(" :"));
  std::transform(verb.begin(), verb.end(), verb.begin(),
                 [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
  return verb;
}

// The address between `<` and `>`.
std::string address_in(const std::string& line) {
  const auto open = line.find('<');
  const auto close = line.find('>', open);
  if (open == std::string::npos || close == std::string::npos) return {};
  return line.substr(open + 1, close - open - 1);
}

}  // namespace

class FakeSmtpServer::Session {
 public:
  Session(FakeSmtpServer& server, tcp::socket socket)
      : server_(server), socket_(std::move(socket)) {}

  asio::awaitable<void> run() {
    if (server_.options_.silent) {
      std::string ignored;
      co_await read_line(ignored);  // until the client gives up
      co_return;
    }
    if (!co_await reply("220 fake.smtp.test ESMTP ready")) co_return;
    std::string line;
    while (co_await read_line(line)) {
      server_.record_command(line);
      if (!co_await answer(line)) co_return;
    }
  }

 private:
  asio::awaitable<bool> answer(const std::string& line) {
    const std::string verb = verb_of(line);
    if (auto failure = server_.failure_for(verb)) co_return co_await reply(*failure);
    if (verb == "EHLO") co_return co_await ehlo();
    if (verb == "HELO") co_return co_await reply("250 fake.smtp.test");
    if (verb == "STARTTLS") co_return co_await starttls();
    if (verb == "AUTH") co_return co_await auth(line);
    if (verb == "MAIL") {
      mail_ = ReceivedMail{address_in(line), {}, {}, {}, tls_ != nullptr, authenticated_as_};
      co_return co_await reply("250 2.1.0 sender ok");
    }
    if (verb == "RCPT") {
      if (!mail_) co_return co_await reply("503 5.5.1 MAIL first");
      mail_->to.push_back(address_in(line));
      co_return co_await reply("250 2.1.5 recipient ok");
    }
    if (verb == "DATA") co_return co_await data();
    if (verb == "RSET") {
      mail_.reset();
      co_return co_await reply("250 2.0.0 reset");
    }
    if (verb == "NOOP") co_return co_await reply("250 2.0.0 ok");
    if (verb == "QUIT") {
      co_await reply("221 2.0.0 bye");
      co_return false;
    }
    co_return co_await reply("500 5.5.2 unknown command");
  }

  asio::awaitable<bool> ehlo() {
    if (!server_.options_.knows_ehlo) co_return co_await reply("502 5.5.1 EHLO not implemented");
    std::vector<std::string> lines = {"fake.smtp.test greets you", "8BITMIME"};
    if (server_.options_.certificate && !tls_) lines.push_back("STARTTLS");
    // Like most servers, AUTH only once the channel is private, when TLS is on offer.
    const bool auth_now = !server_.options_.certificate || tls_;
    if (auth_now && !server_.options_.auth_mechanisms.empty()) {
      std::string auth = "AUTH";
      for (const auto& mechanism : server_.options_.auth_mechanisms) auth += " " + mechanism;
      lines.push_back(auth);
    }
    std::string text;
    for (std::size_t i = 0; i < lines.size(); ++i) {
      text += (i + 1 < lines.size() ? "250-" : "250 ") + lines[i] + "\r\n";
    }
    co_return co_await write(text);
  }

  asio::awaitable<bool> starttls() {
    if (!server_.options_.certificate || tls_) co_return co_await reply("454 4.7.0 TLS not available");
    if (!co_await reply("220 2.0.0 go ahead")) co_return false;
    buffer_.clear();
    tls_ = std::make_unique<asio::ssl::stream<tcp::socket&>>(socket_, *server_.tls_context_);
    auto handshake = tls_->async_handshake(asio::ssl::stream_base::server, use_nothrow);
    const auto [error] = co_await std::move(handshake);
    co_return !error;
  }

  asio::awaitable<bool> auth(const std::string& line) {
    std::string rest = line.size() > 5 ? line.substr(5) : std::string();
    const auto space = rest.find(' ');
    std::string mechanism = rest.substr(0, space);
    std::transform(mechanism.begin(), mechanism.end(), mechanism.begin(),
                   [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
    std::string user;
    std::string password;
    if (mechanism == "PLAIN") {
      std::string response = space == std::string::npos ? std::string() : rest.substr(space + 1);
      if (response.empty()) {
        if (!co_await reply("334 ") || !co_await read_line(response)) co_return false;
      }
      const std::string decoded = decode_base64(response);
      const auto first = decoded.find('\0');
      const auto second = decoded.find('\0', first + 1);
      if (first != std::string::npos && second != std::string::npos) {
        user = decoded.substr(first + 1, second - first - 1);
        password = decoded.substr(second + 1);
      }
    } else if (mechanism == "LOGIN") {
      std::string encoded;
      if (!co_await reply("334 VXNlcm5hbWU6") || !co_await read_line(encoded)) co_return false;
      server_.record_command(encoded);
      user = decode_base64(encoded);
      if (!co_await reply("334 UGFzc3dvcmQ6") || !co_await read_line(encoded)) co_return false;
      server_.record_command(encoded);
      password = decode_base64(encoded);
    } else {
      co_return co_await reply("504 5.5.4 unrecognized authentication type");
    }
    if (user != server_.options_.username || password != server_.options_.password) {
      co_return co_await reply("535 5.7.8 authentication credentials invalid");
    }
    authenticated_as_ = user;
    co_return co_await reply("235 2.7.0 authentication successful");
  }

  asio::awaitable<bool> data() {
    if (!mail_ || mail_->to.empty()) co_return co_await reply("503 5.5.1 RCPT first");
    if (!co_await reply("354 end data with <CR><LF>.<CR><LF>")) co_return false;
    std::string line;
    while (co_await read_line(line)) {
      if (line == ".") {
        if (auto failure = server_.failure_for("MESSAGE")) co_return co_await reply(*failure);
        server_.record_message(std::move(*mail_));
        mail_.reset();
        co_return co_await reply("250 2.0.0 queued");
      }
      mail_->wire_data += line + "\r\n";
      mail_->data += (line.starts_with('.') ? line.substr(1) : line) + "\r\n";
    }
    co_return false;
  }

  asio::awaitable<bool> reply(std::string_view line) {
    const std::string text = std::string(line) + "\r\n";
    co_return co_await write(text);
  }

  asio::awaitable<bool> write(const std::string& text) {
    error_code error;
    if (tls_) {
      auto writing = asio::async_write(*tls_, asio::buffer(text), use_nothrow);
      std::tie(error, std::ignore) = co_await std::move(writing);
    } else {
      auto writing = asio::async_write(socket_, asio::buffer(text), use_nothrow);
      std::tie(error, std::ignore) = co_await std::move(writing);
    }
    co_return !error;
  }

  // The next line without its CRLF; false when the client is gone.
  asio::awaitable<bool> read_line(std::string& line) {
    auto buffer = asio::dynamic_buffer(buffer_);
    error_code error;
    std::size_t length = 0;
    if (tls_) {
      auto reading = asio::async_read_until(*tls_, buffer, "\r\n", use_nothrow);
      std::tie(error, length) = co_await std::move(reading);
    } else {
      auto reading = asio::async_read_until(socket_, buffer, "\r\n", use_nothrow);
      std::tie(error, length) = co_await std::move(reading);
    }
    if (error) co_return false;
    line = buffer_.substr(0, length - 2);
    buffer_.erase(0, length);
    co_return true;
  }

  FakeSmtpServer& server_;
  tcp::socket socket_;
  std::unique_ptr<asio::ssl::stream<tcp::socket&>> tls_;
  std::string buffer_;
  std::optional<ReceivedMail> mail_;
  std::optional<std::string> authenticated_as_;
};

FakeSmtpServer::FakeSmtpServer(FakeSmtpOptions options)
    : options_(std::move(options)), acceptor_(io_) {
  if (options_.certificate) {
    tls_context_ = std::make_unique<asio::ssl::context>(asio::ssl::context::tls_server);
    tls_context_->use_certificate_chain(asio::buffer(options_.certificate->certificate_pem));
    tls_context_->use_private_key(asio::buffer(options_.certificate->private_key_pem),
                                  asio::ssl::context::pem);
  }
  const tcp::endpoint endpoint(asio::ip::make_address("127.0.0.1"), 0);
  acceptor_.open(endpoint.protocol());
  acceptor_.set_option(tcp::acceptor::reuse_address(true));
  acceptor_.bind(endpoint);
  acceptor_.listen();
  port_ = acceptor_.local_endpoint().port();
  asio::co_spawn(io_, accept_loop(), asio::detached);
  thread_ = std::thread([this] { io_.run(); });
}

FakeSmtpServer::~FakeSmtpServer() {
  io_.stop();
  thread_.join();
}

asio::awaitable<void> FakeSmtpServer::accept_loop() {
  while (true) {
    auto accepting = acceptor_.async_accept(use_nothrow);
    auto [error, socket] = co_await std::move(accepting);
    if (error) co_return;
    auto session = std::make_shared<Session>(*this, std::move(socket));
    asio::co_spawn(
        io_, [session]() -> asio::awaitable<void> { co_await session->run(); }, asio::detached);
  }
}

void FakeSmtpServer::fail(const std::string& verb, const std::string& reply) {
  std::lock_guard lock(mutex_);
  failures_[verb] = reply;
}

void FakeSmtpServer::stop_failing() {
  std::lock_guard lock(mutex_);
  failures_.clear();
}

std::optional<std::string> FakeSmtpServer::failure_for(const std::string& verb) const {
  std::lock_guard lock(mutex_);
  const auto found = failures_.find(verb);
  if (found == failures_.end()) return std::nullopt;
  return found->second;
}

std::vector<ReceivedMail> FakeSmtpServer::messages() const {
  std::lock_guard lock(mutex_);
  return messages_;
}

std::vector<std::string> FakeSmtpServer::commands() const {
  std::lock_guard lock(mutex_);
  return commands_;
}

void FakeSmtpServer::record_command(const std::string& line) {
  std::lock_guard lock(mutex_);
  commands_.push_back(line);
}

void FakeSmtpServer::record_message(ReceivedMail mail) {
  std::lock_guard lock(mutex_);
  messages_.push_back(std::move(mail));
}

}  // namespace sluice::ledger::test
