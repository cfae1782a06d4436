#include "ledger/SmtpClient.h"

#include "core/TlsClientContext.h"
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/buffer.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read_until.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>
#include <fmt/format.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>
#include <openssl/ssl.h>
#include <openssl/x509_vfy.h>
#include <openssl/x509v3.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <set>
#include <variant>

namespace sluice::ledger {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace chr = std::chrono;
using tcp = asio::ip::tcp;
using boost::system::error_code;
using Sent = Expected<std::monostate>;

constexpr auto use_nothrow = asio::as_tuple(asio::use_awaitable);

// RFC 5321 §4.5.3.1.5 allows 512-byte reply lines; a multi-line EHLO answer is a few of them.
// Anything much larger is not an SMTP server talking.
constexpr std::size_t kMaxReplyBytes = 64 * 1024;
// Server text quoted in an error: enough to read, not enough to flood a log line.
constexpr std::size_t kMaxQuotedReply = 400;
// RFC 2047 §2: an encoded-word is at most 75 characters; 45 bytes is 60 base64 characters plus
// the 12 of `=?utf-8?B?` and `?=`.
constexpr std::size_t kEncodedWordBytes = 45;
// RFC 5322 §2.1.1: lines must not exceed 998 characters; base64 lines are 76 (RFC 2045).
constexpr std::size_t kMaxLineLength = 998;
constexpr std::size_t kBase64LineLength = 76;

GatewayError smtp_error(std::string code, std::string message) {
  return GatewayError{502, "smtp_error", std::move(code), std::nullopt, std::move(message)};
}

std::string base64(std::string_view bytes) {
  std::string encoded(4 * ((bytes.size() + 2) / 3), '\0');
  const int length = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(encoded.data()),
                                     reinterpret_cast<const unsigned char*>(bytes.data()),
                                     static_cast<int>(bytes.size()));
  encoded.resize(static_cast<std::size_t>(length));
  return encoded;
}

// Credentials leave no copy behind in freed memory.
void wipe(std::string& text) {
  OPENSSL_cleanse(text.data(), text.size());
  text.clear();
}

bool is_ascii(std::string_view text) {
  return std::all_of(text.begin(), text.end(),
                     [](char c) { return static_cast<unsigned char>(c) < 0x80; });
}

// Header values must not smuggle in line breaks (a name of "x\r\nBcc: …" would add a header).
std::string single_line(std::string_view text) {
  std::string line(text);
  std::replace_if(line.begin(), line.end(), [](char c) { return c == '\r' || c == '\n'; }, ' ');
  return line;
}

std::string upper(std::string_view text) {
  std::string result(text);
  std::transform(result.begin(), result.end(), result.begin(),
                 [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
  return result;
}

// `=?utf-8?B?…?=` words, each whole UTF-8 characters, folded onto continuation lines.
std::string encoded_words(std::string_view text) {
  std::string words;
  while (!text.empty()) {
    std::size_t take = std::min(text.size(), kEncodedWordBytes);
    // Never split a character: back off while the next byte continues a sequence.
    while (take < text.size() && take > 0 && (static_cast<unsigned char>(text[take]) & 0xC0) == 0x80) {
      --take;
    }
    if (!words.empty()) words += "\r\n ";
    words += "=?utf-8?B?" + base64(text.substr(0, take)) + "?=";
    text.remove_prefix(take);
  }
  return words;
}

std::string header_text(std::string_view text) {
  std::string line = single_line(text);
  return is_ascii(line) ? line : encoded_words(line);
}

std::vector<std::string_view> lines_of(std::string_view text) {
  std::vector<std::string_view> lines;
  std::size_t begin = 0;
  while (begin <= text.size()) {
    const auto end = text.find('\n', begin);
    std::string_view line = text.substr(begin, end == std::string_view::npos ? end : end - begin);
    if (line.ends_with('\r')) line.remove_suffix(1);
    lines.push_back(line);
    if (end == std::string_view::npos) break;
    begin = end + 1;
  }
  if (!lines.empty() && lines.back().empty()) lines.pop_back();  // a final line break ends a line
  return lines;
}

std::string crlf_lines(std::string_view text) {
  std::string out;
  for (const std::string_view line : lines_of(text)) {
    out += line;
    out += "\r\n";
  }
  return out;
}

bool fits_seven_bit(std::string_view body) {
  const auto lines = lines_of(body);
  return is_ascii(body) && std::all_of(lines.begin(), lines.end(), [](std::string_view line) {
           return line.size() <= kMaxLineLength;
         });
}

std::string base64_lines(std::string_view body) {
  const std::string encoded = base64(body);
  std::string out;
  for (std::size_t at = 0; at < encoded.size(); at += kBase64LineLength) {
    out += encoded.substr(at, kBase64LineLength);
    out += "\r\n";
  }
  return out;
}

// An address that goes between angle brackets in MAIL FROM / RCPT TO and in headers.
bool is_plain_address(std::string_view address) {
  return !address.empty() && address.find('@') != std::string_view::npos &&
         std::none_of(address.begin(), address.end(), [](char c) {
           return static_cast<unsigned char>(c) <= ' ' || c == '<' || c == '>' || c == 0x7f;
         });
}

std::string new_message_id(std::string_view from_email) {
  std::array<unsigned char, 12> random{};
  RAND_bytes(random.data(), static_cast<int>(random.size()));
  std::string id;
  for (const unsigned char byte : random) id += fmt::format("{:02x}", byte);
  const auto at = from_email.rfind('@');
  const std::string_view domain =
      at == std::string_view::npos ? std::string_view("localhost") : from_email.substr(at + 1);
  return fmt::format("{}@{}", id, domain);
}

struct SmtpReply {
  int code = 0;
  std::vector<std::string> lines;  // the text after each line's code

  bool positive() const { return code >= 200 && code < 400; }
  std::string quoted() const {
    std::string text = fmt::format("{}", code);
    for (const auto& line : lines) text += " " + line;
    for (char& c : text) {
      if (static_cast<unsigned char>(c) < ' ') c = ' ';
    }
    if (text.size() > kMaxQuotedReply) text = text.substr(0, kMaxQuotedReply) + "…";
    return text;
  }
};

// The extensions an EHLO reply advertises (RFC 5321 §4.1.1.1): keywords upper-cased.
struct Extensions {
  bool starttls = false;
  std::set<std::string> auth_mechanisms;

  static Extensions from(const SmtpReply& ehlo) {
    Extensions extensions;
    // The first line is the server's greeting, not an extension.
    for (std::size_t i = 1; i < ehlo.lines.size(); ++i) {
      std::string line = upper(ehlo.lines[i]);
      // Some old servers wrote `AUTH=LOGIN`; read it as `AUTH LOGIN`.
      if (line.starts_with("AUTH=")) line[4] = ' ';
      std::vector<std::string> words;
      for (std::size_t at = 0; at < line.size();) {
        const auto end = std::min(line.find(' ', at), line.size());
        if (end > at) words.push_back(line.substr(at, end - at));
        at = end + 1;
      }
      if (words.empty()) continue;
      if (words[0] == "STARTTLS") extensions.starttls = true;
      if (words[0] == "AUTH") extensions.auth_mechanisms.insert(words.begin() + 1, words.end());
    }
    return extensions;
  }
};

// One SMTP conversation over one connection; lives for one send().
class SmtpSession {
 public:
  SmtpSession(asio::io_context& io, const SmtpClientOptions& options,
              asio::ssl::context& tls_context)
      : options_(options), tls_context_(tls_context), resolver_(io), plain_(io) {}

  asio::awaitable<Sent> deliver(const MailMessage& message, const std::string& data);

 private:
  using TlsStream = beast::ssl_stream<beast::tcp_stream>;

  asio::awaitable<Sent> connect();
  asio::awaitable<Expected<Extensions>> greet();
  asio::awaitable<Sent> start_tls();
  asio::awaitable<Sent> authenticate(const Extensions& extensions);
  asio::awaitable<Sent> auth_plain();
  asio::awaitable<Sent> auth_login();
  asio::awaitable<Sent> envelope(const MailMessage& message);
  asio::awaitable<Sent> content(const std::string& data);

  // Writes `line` + CRLF and reads the reply. `what` names the command in errors; it is never the
  // line itself, which may carry credentials.
  asio::awaitable<Expected<SmtpReply>> command(const std::string& line);
  // command(), then anything but `expected` is an error quoting the server.
  asio::awaitable<Sent> expect(const std::string& line, int expected, std::string_view what);
  asio::awaitable<Expected<SmtpReply>> read_reply();
  asio::awaitable<error_code> write(const std::string& bytes);
  asio::awaitable<error_code> read_line(std::size_t& length);

  beast::tcp_stream& lowest() { return tls_ ? tls_->next_layer() : plain_; }
  GatewayError io_failed(std::string_view doing, const error_code& error) const;

  const SmtpClientOptions& options_;
  asio::ssl::context& tls_context_;
  tcp::resolver resolver_;
  beast::tcp_stream plain_;
  std::unique_ptr<TlsStream> tls_;
  std::string buffer_;
};

GatewayError SmtpSession::io_failed(std::string_view doing, const error_code& error) const {
  const std::string peer = fmt::format("{}:{}", options_.host, options_.port);
  if (error == beast::error::timeout) {
    return smtp_error("smtp_timeout", fmt::format("SMTP server {} did not answer in time ({})",
                                                  peer, doing));
  }
  return smtp_error("smtp_transport",
                    fmt::format("SMTP {} with {} failed: {}", doing, peer, error.message()));
}

asio::awaitable<Sent> SmtpSession::deliver(const MailMessage& message, const std::string& data) {
  if (auto connected = co_await connect(); !connected) co_return connected;
  auto extensions = co_await greet();
  if (!extensions) co_return extensions.error();
  if (options_.starttls) {
    if (!extensions->starttls) {
      co_return smtp_error(
          "smtp_insecure",
          fmt::format("SMTP server {} does not offer STARTTLS; refusing to send credentials or "
                      "mail in plain text (set budget_alerts.email.transport.starttls: false to "
                      "allow it)",
                      options_.host));
    }
    if (auto secured = co_await start_tls(); !secured) co_return secured;
    extensions = co_await greet();  // RFC 3207 §4.2: forget what was said before TLS
    if (!extensions) co_return extensions.error();
  }
  if (options_.username) {
    if (auto authenticated = co_await authenticate(*extensions); !authenticated) {
      co_return authenticated;
    }
  }
  if (auto accepted = co_await envelope(message); !accepted) co_return accepted;
  if (auto delivered = co_await content(data); !delivered) co_return delivered;
  const std::string quit = "QUIT";
  auto goodbye = co_await command(quit);  // the mail is accepted; a bad goodbye changes nothing
  (void)goodbye;
  error_code ignored;
  lowest().socket().close(ignored);
  co_return std::monostate{};
}

asio::awaitable<Sent> SmtpSession::connect() {
  // getaddrinfo cannot be abandoned; it runs on asio's resolver thread, so a slow lookup delays
  // only this (background) send.
  auto lookup = resolver_.async_resolve(options_.host, std::to_string(options_.port), use_nothrow);
  const auto [resolve_error, endpoints] = co_await std::move(lookup);
  if (resolve_error) co_return io_failed("name lookup", resolve_error);
  plain_.expires_after(options_.connect_timeout);
  auto connecting = plain_.async_connect(endpoints, use_nothrow);
  const auto [connect_error, endpoint] = co_await std::move(connecting);
  (void)endpoint;
  if (connect_error) co_return io_failed("connect", connect_error);
  auto greeting = co_await read_reply();
  if (!greeting) co_return greeting.error();
  if (greeting->code != 220) {
    co_return smtp_error("smtp_refused",
                         fmt::format("SMTP server {} refused the session: {}", options_.host,
                                     greeting->quoted()));
  }
  co_return std::monostate{};
}

asio::awaitable<Expected<Extensions>> SmtpSession::greet() {
  const std::string ehlo = "EHLO " + options_.client_name;
  auto reply = co_await command(ehlo);
  if (!reply) co_return reply.error();
  if (reply->code == 250) co_return Extensions::from(*reply);
  // RFC 5321 §3.2: a server that does not know EHLO gets HELO, and offers no extensions.
  const std::string helo = "HELO " + options_.client_name;
  auto sent = co_await expect(helo, 250, "HELO");
  if (!sent) co_return sent.error();
  co_return Extensions{};
}

asio::awaitable<Sent> SmtpSession::start_tls() {
  const std::string starttls = "STARTTLS";
  if (auto ready = co_await expect(starttls, 220, "STARTTLS"); !ready) co_return ready;
  // Bytes that arrived with the 220 were sent before TLS and could be an attacker's (RFC 3207
  // §6, command injection); a well-behaved server sends none.
  if (!buffer_.empty()) {
    co_return smtp_error("smtp_tls", fmt::format("SMTP server {} sent data after its STARTTLS "
                                                 "reply, before the TLS handshake",
                                                 options_.host));
  }
  tls_ = std::make_unique<TlsStream>(std::move(plain_), tls_context_);
  SSL* ssl = tls_->native_handle();
  X509_VERIFY_PARAM* params = SSL_get0_param(ssl);
  X509_VERIFY_PARAM_set_hostflags(params, X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS);
  error_code not_ip;
  asio::ip::make_address(options_.host, not_ip);
  bool bound = false;
  if (!not_ip) {
    bound = X509_VERIFY_PARAM_set1_ip_asc(params, options_.host.c_str()) == 1;
  } else {
    // SNI (never for IP literals, RFC 6066). SSL_set_tlsext_host_name is a macro with a C cast.
    bound = SSL_ctrl(ssl, SSL_CTRL_SET_TLSEXT_HOSTNAME, TLSEXT_NAMETYPE_host_name,
                     const_cast<char*>(options_.host.c_str())) == 1 &&
            X509_VERIFY_PARAM_set1_host(params, options_.host.data(), options_.host.size()) == 1;
  }
  if (!bound) co_return smtp_error("smtp_tls", "setting up TLS for " + options_.host + " failed");
  lowest().expires_after(options_.command_timeout);
  auto handshake = tls_->async_handshake(asio::ssl::stream_base::client, use_nothrow);
  const auto [handshake_error] = co_await std::move(handshake);
  if (handshake_error) {
    const long verified = SSL_get_verify_result(ssl);
    if (verified != X509_V_OK) {
      co_return smtp_error("smtp_tls",
                           fmt::format("the certificate of SMTP server {} did not verify: {}",
                                       options_.host, X509_verify_cert_error_string(verified)));
    }
    co_return io_failed("TLS handshake", handshake_error);
  }
  co_return std::monostate{};
}

asio::awaitable<Sent> SmtpSession::authenticate(const Extensions& extensions) {
  if (extensions.auth_mechanisms.contains("PLAIN")) co_return co_await auth_plain();
  if (extensions.auth_mechanisms.contains("LOGIN")) co_return co_await auth_login();
  co_return smtp_error("smtp_refused",
                       fmt::format("SMTP server {} offers no AUTH mechanism this client speaks "
                                   "(PLAIN or LOGIN), but a username is configured",
                                   options_.host));
}

asio::awaitable<Sent> SmtpSession::auth_plain() {
  // RFC 4616: authorisation id (empty), NUL, user, NUL, password.
  std::string credentials = '\0' + *options_.username + '\0';
  if (options_.password) credentials += options_.password->reveal();
  std::string line = "AUTH PLAIN " + base64(credentials);
  wipe(credentials);
  auto accepted = co_await expect(line, 235, "AUTH PLAIN");
  wipe(line);
  co_return accepted;
}

asio::awaitable<Sent> SmtpSession::auth_login() {
  const std::string start = "AUTH LOGIN";
  if (auto asked = co_await expect(start, 334, "AUTH LOGIN"); !asked) co_return asked;
  const std::string user = base64(*options_.username);
  if (auto asked = co_await expect(user, 334, "AUTH LOGIN username"); !asked) co_return asked;
  std::string password = base64(options_.password ? options_.password->reveal() : "");
  auto accepted = co_await expect(password, 235, "AUTH LOGIN");
  wipe(password);
  co_return accepted;
}

asio::awaitable<Sent> SmtpSession::envelope(const MailMessage& message) {
  const std::string from = "MAIL FROM:<" + message.from_email + ">";
  if (auto accepted = co_await expect(from, 250, from); !accepted) co_return accepted;
  for (const std::string& recipient : message.to) {
    const std::string line = "RCPT TO:<" + recipient + ">";
    auto reply = co_await command(line);
    if (!reply) co_return reply.error();
    // 251: "user not local; will forward" is a success too.
    if (reply->code != 250 && reply->code != 251) {
      co_return smtp_error("smtp_refused", fmt::format("RCPT TO <{}> was refused: {}", recipient,
                                                       reply->quoted()));
    }
  }
  co_return std::monostate{};
}

asio::awaitable<Sent> SmtpSession::content(const std::string& data) {
  const std::string start = "DATA";
  if (auto ready = co_await expect(start, 354, "DATA"); !ready) co_return ready;
  if (auto error = co_await write(data)) co_return io_failed("sending the message", error);
  auto reply = co_await read_reply();
  if (!reply) co_return reply.error();
  if (reply->code != 250) {
    co_return smtp_error("smtp_refused",
                         fmt::format("the message was refused: {}", reply->quoted()));
  }
  co_return std::monostate{};
}

asio::awaitable<Expected<SmtpReply>> SmtpSession::command(const std::string& line) {
  const std::string bytes = line + "\r\n";
  if (auto error = co_await write(bytes)) co_return io_failed("sending a command", error);
  auto reply = co_await read_reply();
  co_return reply;
}

asio::awaitable<Sent> SmtpSession::expect(const std::string& line, int expected,
                                          std::string_view what) {
  auto reply = co_await command(line);
  if (!reply) co_return reply.error();
  if (reply->code != expected) {
    co_return smtp_error("smtp_refused", fmt::format("{} was refused: {}", what, reply->quoted()));
  }
  co_return std::monostate{};
}

asio::awaitable<Expected<SmtpReply>> SmtpSession::read_reply() {
  SmtpReply reply;
  while (true) {
    std::size_t length = 0;
    if (auto error = co_await read_line(length)) co_return io_failed("reading a reply", error);
    const std::string line = buffer_.substr(0, length - 2);  // without CRLF
    buffer_.erase(0, length);
    const bool well_formed = line.size() >= 3 && std::isdigit(static_cast<unsigned char>(line[0])) &&
                             std::isdigit(static_cast<unsigned char>(line[1])) &&
                             std::isdigit(static_cast<unsigned char>(line[2])) &&
                             (line.size() == 3 || line[3] == ' ' || line[3] == '-');
    if (!well_formed) {
      co_return smtp_error("smtp_transport",
                           fmt::format("SMTP server {} sent a malformed reply", options_.host));
    }
    reply.code = std::stoi(line.substr(0, 3));
    reply.lines.push_back(line.size() > 4 ? line.substr(4) : std::string());
    if (line.size() == 3 || line[3] == ' ') co_return reply;
  }
}

asio::awaitable<error_code> SmtpSession::write(const std::string& bytes) {
  lowest().expires_after(options_.command_timeout);
  error_code error;
  if (tls_) {
    auto writing = asio::async_write(*tls_, asio::buffer(bytes), use_nothrow);
    std::tie(error, std::ignore) = co_await std::move(writing);
  } else {
    auto writing = asio::async_write(plain_, asio::buffer(bytes), use_nothrow);
    std::tie(error, std::ignore) = co_await std::move(writing);
  }
  co_return error;
}

asio::awaitable<error_code> SmtpSession::read_line(std::size_t& length) {
  lowest().expires_after(options_.command_timeout);
  auto buffer = asio::dynamic_buffer(buffer_, kMaxReplyBytes);
  error_code error;
  if (tls_) {
    auto reading = asio::async_read_until(*tls_, buffer, "\r\n", use_nothrow);
    std::tie(error, length) = co_await std::move(reading);
  } else {
    auto reading = asio::async_read_until(plain_, buffer, "\r\n", use_nothrow);
    std::tie(error, length) = co_await std::move(reading);
  }
  co_return error;
}

std::unique_ptr<asio::ssl::context> make_tls_context(const SmtpClientOptions& options) {
  return make_verifying_tls_client_context(options.ca_file);
}

Sent check_addresses(const MailMessage& message) {
  if (!is_plain_address(message.from_email)) {
    return GatewayError{400, "smtp_error", "invalid_message", std::nullopt,
                        fmt::format("sender `{}` is not a plain email address", message.from_email)};
  }
  if (message.to.empty()) {
    return GatewayError{400, "smtp_error", "invalid_message", std::nullopt, "no recipients"};
  }
  for (const auto& recipient : message.to) {
    if (!is_plain_address(recipient)) {
      return GatewayError{400, "smtp_error", "invalid_message", std::nullopt,
                          fmt::format("recipient `{}` is not a plain email address", recipient)};
    }
  }
  return std::monostate{};
}

}  // namespace

SmtpClientOptions SmtpClientOptions::from(const config::EmailTransportConfig& transport) {
  SmtpClientOptions options;
  options.host = transport.host;
  options.port = transport.port;
  options.username = transport.username;
  options.password = transport.password;
  options.starttls = transport.starttls;
  return options;
}

SmtpClient::SmtpClient(asio::io_context& io, Options options)
    : io_(io), options_(std::move(options)), tls_context_(make_tls_context(options_)) {}

SmtpClient::~SmtpClient() = default;

asio::awaitable<Sent> SmtpClient::send(const MailMessage& message) {
  if (auto valid = check_addresses(message); !valid) co_return valid;
  const std::string message_id = new_message_id(message.from_email);
  const std::string data = dot_stuffed(render_mail(message, chr::system_clock::now(), message_id));
  SmtpSession session(io_, options_, *tls_context_);
  auto sent = co_await session.deliver(message, data);
  co_return sent;
}

std::string render_mail(const MailMessage& message, chr::system_clock::time_point date,
                        std::string_view message_id) {
  std::string from = message.from_email;
  if (message.from_name && !message.from_name->empty()) {
    from = encoded_display_name(*message.from_name) + " <" + message.from_email + ">";
  }
  std::string to;
  for (const auto& recipient : message.to) to += (to.empty() ? "" : ", ") + recipient;
  const bool seven_bit = fits_seven_bit(message.body);
  std::string mail;
  mail += "From: " + from + "\r\n";
  mail += "To: " + to + "\r\n";
  mail += "Subject: " + header_text(message.subject) + "\r\n";
  mail += "Date: " + mail_date(date) + "\r\n";
  mail += fmt::format("Message-ID: <{}>\r\n", message_id);
  mail += "MIME-Version: 1.0\r\n";
  mail += "Content-Type: text/plain; charset=utf-8\r\n";
  mail += fmt::format("Content-Transfer-Encoding: {}\r\n", seven_bit ? "7bit" : "base64");
  mail += "\r\n";
  mail += seven_bit ? crlf_lines(message.body) : base64_lines(message.body);
  return mail;
}

std::string dot_stuffed(std::string_view text) {
  std::string out;
  for (const std::string_view line : lines_of(text)) {
    if (line.starts_with('.')) out += '.';
    out += line;
    out += "\r\n";
  }
  out += ".\r\n";
  return out;
}

std::string encoded_display_name(std::string_view name) {
  const std::string line = single_line(name);
  if (!is_ascii(line)) return encoded_words(line);
  std::string quoted = "\"";
  for (const char c : line) {
    if (c == '"' || c == '\\') quoted += '\\';
    quoted += c;
  }
  return quoted + "\"";
}

std::string mail_date(chr::system_clock::time_point at) {
  static constexpr std::array<std::string_view, 7> kDays = {"Sun", "Mon", "Tue", "Wed",
                                                            "Thu", "Fri", "Sat"};
  static constexpr std::array<std::string_view, 12> kMonths = {
      "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  const auto day = chr::floor<chr::days>(at);
  const chr::year_month_day date(day);
  const chr::hh_mm_ss time(chr::floor<chr::seconds>(at - day));
  return fmt::format("{}, {:02} {} {} {:02}:{:02}:{:02} +0000",
                     kDays[chr::weekday(day).c_encoding()],
                     static_cast<unsigned>(date.day()),
                     kMonths[static_cast<unsigned>(date.month()) - 1], static_cast<int>(date.year()),
                     time.hours().count(), time.minutes().count(), time.seconds().count());
}

}  // namespace sluice::ledger
