#include "ledger/SmtpClient.h"

#include "../store/StoreTestSupport.h"
#include "FakeSmtpServer.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>

namespace sluice::ledger {
namespace {

using namespace std::chrono;
using store::testing::await_on;
using test::FakeSmtpOptions;
using test::FakeSmtpServer;
using upstream::test::TemporaryFile;
using upstream::test::TestCertificateAuthority;

bool contains(const std::string& text, std::string_view part) {
  return text.find(part) != std::string::npos;
}

std::ptrdiff_t index_of(const std::vector<std::string>& lines, std::string_view prefix) {
  const auto found = std::find_if(lines.begin(), lines.end(),
                                  [&](const std::string& line) { return line.starts_with(prefix); });
  return found == lines.end() ? -1 : found - lines.begin();
}

class SmtpClientTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    authority_ = new TestCertificateAuthority("Sluice SMTP Test CA");
    trusted_ca_file_ = new TemporaryFile(authority_->certificate_pem());
  }
  static void TearDownTestSuite() {
    delete trusted_ca_file_;
    delete authority_;
  }

  // STARTTLS with a certificate for 127.0.0.1, AUTH PLAIN and LOGIN for mailer / s3cret.
  static FakeSmtpOptions secure_server() {
    FakeSmtpOptions options;
    options.certificate = authority_->issue({"localhost"}, {"127.0.0.1"});
    options.auth_mechanisms = {"PLAIN", "LOGIN"};
    options.username = "mailer";
    options.password = "s3cret";
    return options;
  }

  static SmtpClientOptions client_for(const FakeSmtpServer& server, bool starttls) {
    SmtpClientOptions options;
    options.host = "127.0.0.1";
    options.port = server.port();
    options.starttls = starttls;
    options.ca_file = trusted_ca_file_->path();
    options.connect_timeout = seconds(5);
    options.command_timeout = seconds(5);
    return options;
  }

  static SmtpClientOptions with_login(SmtpClientOptions options, std::string password = "s3cret") {
    options.username = "mailer";
    options.password = config::Secret(std::move(password));
    return options;
  }

  static MailMessage message(std::string body = "Spend is at 80%.\n") {
    MailMessage mail;
    mail.from_email = "alerts@sluice.test";
    mail.from_name = "Sluice Alerts";
    mail.to = {"alice@example.com", "bob@example.com"};
    mail.subject = "Budget alert";
    mail.body = std::move(body);
    return mail;
  }

  Expected<std::monostate> send(const SmtpClientOptions& options, const MailMessage& mail) {
    SmtpClient client(io_, options);
    return await_on(io_, client.send(mail));
  }

  boost::asio::io_context io_;
  static TestCertificateAuthority* authority_;
  static TemporaryFile* trusted_ca_file_;
};

TestCertificateAuthority* SmtpClientTest::authority_ = nullptr;
TemporaryFile* SmtpClientTest::trusted_ca_file_ = nullptr;

TEST_F(SmtpClientTest, DeliversOverPlainTextWhenStarttlsIsOff) {
  FakeSmtpServer server;
  auto sent = send(client_for(server, false), message());
  ASSERT_TRUE(sent) << sent.error().message;
  const auto mails = server.messages();
  ASSERT_EQ(mails.size(), 1u);
  EXPECT_EQ(mails[0].from, "alerts@sluice.test");
  EXPECT_EQ(mails[0].to, (std::vector<std::string>{"alice@example.com", "bob@example.com"}));
  EXPECT_FALSE(mails[0].over_tls);
  EXPECT_TRUE(contains(mails[0].data, "Subject: Budget alert\r\n"));
  EXPECT_TRUE(contains(mails[0].data, "\r\n\r\nSpend is at 80%.\r\n"));
  EXPECT_EQ(server.commands().back(), "QUIT");
}

TEST_F(SmtpClientTest, UpgradesWithStarttlsBeforeAuthenticatingWithPlain) {
  FakeSmtpServer server(secure_server());
  auto sent = send(with_login(client_for(server, true)), message());
  ASSERT_TRUE(sent) << sent.error().message;
  const auto mails = server.messages();
  ASSERT_EQ(mails.size(), 1u);
  EXPECT_TRUE(mails[0].over_tls);
  EXPECT_EQ(mails[0].authenticated_as, "mailer");
  const auto commands = server.commands();
  EXPECT_LT(index_of(commands, "STARTTLS"), index_of(commands, "AUTH PLAIN"));
}

TEST_F(SmtpClientTest, AuthenticatesWithLoginWhenThatIsAllTheServerOffers) {
  auto options = secure_server();
  options.auth_mechanisms = {"LOGIN"};
  FakeSmtpServer server(options);
  auto sent = send(with_login(client_for(server, true)), message());
  ASSERT_TRUE(sent) << sent.error().message;
  EXPECT_EQ(server.messages().at(0).authenticated_as, "mailer");
  EXPECT_GE(index_of(server.commands(), "AUTH LOGIN"), 0);
}

TEST_F(SmtpClientTest, WrongPasswordFailsWithTheServersAnswer) {
  FakeSmtpServer server(secure_server());
  auto sent = send(with_login(client_for(server, true), "wrong"), message());
  ASSERT_FALSE(sent);
  EXPECT_EQ(sent.error().code, "smtp_refused");
  EXPECT_TRUE(contains(sent.error().message, "535 5.7.8"));
  EXPECT_FALSE(contains(sent.error().message, "wrong"));
  EXPECT_TRUE(server.messages().empty());
}

TEST_F(SmtpClientTest, RefusesToSendCredentialsWhenStarttlsIsRequiredButNotOffered) {
  FakeSmtpOptions options;
  options.auth_mechanisms = {"PLAIN"};
  options.username = "mailer";
  options.password = "s3cret";
  FakeSmtpServer server(options);  // no certificate: no STARTTLS
  auto sent = send(with_login(client_for(server, true)), message());
  ASSERT_FALSE(sent);
  EXPECT_EQ(sent.error().code, "smtp_insecure");
  EXPECT_TRUE(contains(sent.error().message, "does not offer STARTTLS"));
  const auto commands = server.commands();
  EXPECT_EQ(index_of(commands, "AUTH"), -1);
  EXPECT_EQ(index_of(commands, "MAIL"), -1);
}

TEST_F(SmtpClientTest, RejectsACertificateIssuedForAnotherHost) {
  auto options = secure_server();
  options.certificate = authority_->issue({"mail.elsewhere.test"}, {});
  FakeSmtpServer server(options);
  auto sent = send(with_login(client_for(server, true)), message());
  ASSERT_FALSE(sent);
  EXPECT_EQ(sent.error().code, "smtp_tls");
  EXPECT_EQ(index_of(server.commands(), "AUTH"), -1);
}

TEST_F(SmtpClientTest, TrustsTheCertificateFileNamedBySslCertFile) {
  FakeSmtpServer server(secure_server());
  auto options = with_login(client_for(server, true));
  options.ca_file.reset();
  ::setenv("SSL_CERT_FILE", trusted_ca_file_->path().c_str(), 1);
  auto sent = send(options, message());
  ::unsetenv("SSL_CERT_FILE");
  ASSERT_TRUE(sent) << sent.error().message;
}

TEST_F(SmtpClientTest, DotStuffsLinesThatStartWithADot) {
  FakeSmtpServer server;
  auto sent = send(client_for(server, false), message(".hidden\n..two\nnormal\n.\n"));
  ASSERT_TRUE(sent) << sent.error().message;
  const auto mail = server.messages().at(0);
  EXPECT_TRUE(contains(mail.wire_data, "\r\n..hidden\r\n...two\r\nnormal\r\n..\r\n"));
  EXPECT_TRUE(contains(mail.data, "\r\n.hidden\r\n..two\r\nnormal\r\n.\r\n"));
}

TEST_F(SmtpClientTest, NormalisesLineEndingsToCrlf) {
  FakeSmtpServer server;
  auto sent = send(client_for(server, false), message("one\ntwo\r\nthree"));
  ASSERT_TRUE(sent) << sent.error().message;
  EXPECT_TRUE(contains(server.messages().at(0).data, "\r\n\r\none\r\ntwo\r\nthree\r\n"));
}

TEST_F(SmtpClientTest, RefusedRecipientIsAnErrorWithTheServersText) {
  FakeSmtpServer server;
  server.fail("RCPT", "550 5.1.1 no such user here");
  auto sent = send(client_for(server, false), message());
  ASSERT_FALSE(sent);
  EXPECT_EQ(sent.error().code, "smtp_refused");
  EXPECT_TRUE(contains(sent.error().message, "RCPT TO <alice@example.com>"));
  EXPECT_TRUE(contains(sent.error().message, "550 5.1.1 no such user here"));
  EXPECT_TRUE(server.messages().empty());
}

TEST_F(SmtpClientTest, FallsBackToHeloWhenTheServerDoesNotKnowEhlo) {
  FakeSmtpOptions options;
  options.knows_ehlo = false;
  FakeSmtpServer server(options);
  auto sent = send(client_for(server, false), message());
  ASSERT_TRUE(sent) << sent.error().message;
  EXPECT_GE(index_of(server.commands(), "HELO"), 0);
  EXPECT_EQ(server.messages().size(), 1u);
}

TEST_F(SmtpClientTest, TimesOutWhenTheServerNeverAnswers) {
  FakeSmtpOptions options;
  options.silent = true;
  FakeSmtpServer server(options);
  auto client_options = client_for(server, false);
  client_options.command_timeout = milliseconds(200);
  const auto started = steady_clock::now();
  auto sent = send(client_options, message());
  ASSERT_FALSE(sent);
  EXPECT_EQ(sent.error().code, "smtp_timeout");
  EXPECT_LT(steady_clock::now() - started, seconds(3));
}

TEST_F(SmtpClientTest, ConnectionRefusedIsATransportError) {
  std::uint16_t closed_port = 0;
  {
    FakeSmtpServer gone;
    closed_port = gone.port();
  }
  SmtpClientOptions options;
  options.host = "127.0.0.1";
  options.port = closed_port;
  options.starttls = false;
  auto sent = send(options, message());
  ASSERT_FALSE(sent);
  EXPECT_EQ(sent.error().code, "smtp_transport");
}

TEST_F(SmtpClientTest, RejectsAddressesThatCouldInjectCommands) {
  FakeSmtpServer server;
  auto mail = message();
  mail.to = {"eve@example.com>\r\nRCPT TO:<x@y"};
  auto sent = send(client_for(server, false), mail);
  ASSERT_FALSE(sent);
  EXPECT_EQ(sent.error().code, "invalid_message");
  EXPECT_TRUE(server.commands().empty());
}

TEST(SmtpMessageTest, HasTheHeadersOfAPlainTextMimeMessage) {
  MailMessage mail;
  mail.from_email = "alerts@sluice.test";
  mail.from_name = "Sluice \"Alerts\"";
  mail.to = {"a@example.com", "b@example.com"};
  mail.subject = "Budget alert";
  mail.body = "hello\n";
  const auto date = sys_days(year(2024) / 3 / 5) + hours(10) + minutes(4) + seconds(9);
  const std::string text = render_mail(mail, date, "abc@sluice.test");
  EXPECT_TRUE(contains(text, "From: \"Sluice \\\"Alerts\\\"\" <alerts@sluice.test>\r\n"));
  EXPECT_TRUE(contains(text, "To: a@example.com, b@example.com\r\n"));
  EXPECT_TRUE(contains(text, "Date: Tue, 05 Mar 2024 10:04:09 +0000\r\n"));
  EXPECT_TRUE(contains(text, "Message-ID: <abc@sluice.test>\r\n"));
  EXPECT_TRUE(contains(text, "MIME-Version: 1.0\r\n"));
  EXPECT_TRUE(contains(text, "Content-Type: text/plain; charset=utf-8\r\n"));
  EXPECT_TRUE(contains(text, "Content-Transfer-Encoding: 7bit\r\n\r\nhello\r\n"));
}

TEST(SmtpMessageTest, EncodesANonAsciiDisplayNameAsAnEncodedWord) {
  EXPECT_EQ(encoded_display_name("Zoë"), "=?utf-8?B?Wm/Dqw==?=");
  EXPECT_EQ(encoded_display_name("Plain Name"), "\"Plain Name\"");
}

TEST(SmtpMessageTest, SplitsLongEncodedNamesWithoutBreakingCharacters) {
  const std::string name(40, 'a');
  const std::string encoded = encoded_display_name(name + "ééé");  // 46 bytes: two words
  EXPECT_TRUE(contains(encoded, "?=\r\n =?utf-8?B?"));
}

TEST(SmtpMessageTest, SendsNonAsciiBodiesAsBase64) {
  MailMessage mail{"a@b.test", std::nullopt, {"c@d.test"}, "Über", "Grüße\n"};
  const std::string text = render_mail(mail, system_clock::now(), "id@b.test");
  EXPECT_TRUE(contains(text, "Subject: =?utf-8?B?w5xiZXI=?=\r\n"));
  EXPECT_TRUE(contains(text, "Content-Transfer-Encoding: base64\r\n\r\nR3LDvMOfZQo=\r\n"));
}

TEST(SmtpMessageTest, HeaderValuesCannotCarryLineBreaks) {
  MailMessage mail{"a@b.test", "x\r\nBcc: eve@evil.test", {"c@d.test"}, "s\r\nBcc: e@v", "b"};
  const std::string text = render_mail(mail, system_clock::now(), "id@b.test");
  EXPECT_FALSE(contains(text, "\r\nBcc:"));
}

}  // namespace
}  // namespace sluice::ledger
