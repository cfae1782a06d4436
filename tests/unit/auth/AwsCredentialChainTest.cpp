// The environment source, the default chain's order and its all-failed message, and the shared
// JSON document / timestamp reading.
#include "auth/AwsCredentialChain.h"

#include "auth/AwsCredentialDocument.h"
#include "auth/AwsEnvironmentCredentials.h"

#include "AwsCredentialTestSupport.h"

#include <gtest/gtest.h>

namespace sluice::auth {
namespace {

namespace asio = boost::asio;
using namespace std::chrono_literals;
using test::FakeEnvironment;
using test::TempDir;
using test::run_on;
using test::utc;

// A source with a fixed answer that counts how often it was asked.
class ScriptedSource final : public AwsCredentialSource {
 public:
  ScriptedSource(std::string name, Expected<AwsCredentials> answer, int& asked)
      : name_(std::move(name)), answer_(std::move(answer)), asked_(asked) {}
  std::string_view name() const override { return name_; }
  asio::awaitable<Expected<AwsCredentials>> load() override {
    ++asked_;
    co_return answer_;
  }

 private:
  std::string name_;
  Expected<AwsCredentials> answer_;
  int& asked_;
};

AwsCredentials keys(std::string id, std::string source) {
  AwsCredentials credentials;
  credentials.access_key_id = config::Secret(std::move(id));
  credentials.secret_access_key = config::Secret("secret");
  credentials.source = std::move(source);
  return credentials;
}

TEST(AwsCredentialEnvironment, ReadsKeysAndSessionToken) {
  FakeEnvironment env;
  env.set("AWS_ACCESS_KEY_ID", "AKIDENV");
  env.set("AWS_SECRET_ACCESS_KEY", "env-secret");
  env.set("AWS_SESSION_TOKEN", "env-token");
  const auto credentials = AwsEnvironmentCredentials(test::make_context(env.lookup())).load_now();
  ASSERT_TRUE(credentials.ok()) << credentials.error().message;
  EXPECT_EQ(credentials->access_key_id.reveal(), "AKIDENV");
  EXPECT_EQ(credentials->secret_access_key.reveal(), "env-secret");
  EXPECT_EQ(credentials->session_token->reveal(), "env-token");
  EXPECT_FALSE(credentials->expiration);
  EXPECT_EQ(credentials->source, "environment");
}

TEST(AwsCredentialEnvironment, MissingOrPartialKeysSayWhich) {
  FakeEnvironment env;
  AwsEnvironmentCredentials source(test::make_context(env.lookup()));
  EXPECT_EQ(source.load_now().error().message, "AWS_ACCESS_KEY_ID not set");
  env.set("AWS_ACCESS_KEY_ID", "AKIDENV");
  EXPECT_EQ(source.load_now().error().message, "AWS_SECRET_ACCESS_KEY not set (AWS_ACCESS_KEY_ID is)");
  env.set("AWS_SECRET_ACCESS_KEY", "");  // empty counts as unset, as in the SDKs
  EXPECT_FALSE(source.load_now().ok());
  env.set("AWS_SECRET_ACCESS_KEY", "s");
  EXPECT_TRUE(source.load_now().ok());
  EXPECT_FALSE(source.load_now()->session_token);
}

TEST(AwsCredentialEnvironment, CredentialExpirationMakesThemTemporary) {
  FakeEnvironment env;
  env.set("AWS_ACCESS_KEY_ID", "A");
  env.set("AWS_SECRET_ACCESS_KEY", "S");
  env.set("AWS_CREDENTIAL_EXPIRATION", "2030-01-01T00:00:00Z");
  const auto credentials = AwsEnvironmentCredentials(test::make_context(env.lookup())).load_now();
  ASSERT_TRUE(credentials.ok());
  EXPECT_EQ(credentials->expiration, utc(2030, 1, 1));
}

TEST(AwsCredentialChain, FirstSourceWithCredentialsWins) {
  int first = 0, second = 0, third = 0;
  std::vector<std::unique_ptr<AwsCredentialSource>> sources;
  sources.push_back(std::make_unique<ScriptedSource>("one", credentials_unavailable("nothing here"), first));
  sources.push_back(std::make_unique<ScriptedSource>("two", keys("AKIDTWO", "two"), second));
  sources.push_back(std::make_unique<ScriptedSource>("three", keys("AKIDTHREE", "three"), third));
  AwsCredentialChain chain(std::move(sources));
  asio::io_context io;
  const auto credentials = run_on(io, chain.load());
  ASSERT_TRUE(credentials.ok());
  EXPECT_EQ(credentials->access_key_id.reveal(), "AKIDTWO");
  EXPECT_EQ(first, 1);
  EXPECT_EQ(second, 1);
  EXPECT_EQ(third, 0);  // never asked once an earlier source answered
}

TEST(AwsCredentialChain, DefaultChainOrderIsTheSdksOrder) {
  FakeEnvironment env;
  const auto chain = AwsCredentialChain::default_chain(test::make_context(env.lookup()));
  std::vector<std::string> names;
  for (const auto& source : chain->sources()) names.emplace_back(source->name());
  EXPECT_EQ(names, (std::vector<std::string>{"environment", "shared files", "web identity", "container",
                                             "instance metadata"}));
}

TEST(AwsCredentialChain, EnvironmentBeatsTheProfile) {
  TempDir dir;
  FakeEnvironment env;
  env.set("AWS_SHARED_CREDENTIALS_FILE",
          dir.write("credentials", "[default]\naws_access_key_id = AKIDFILE\naws_secret_access_key = s\n"));
  env.set("AWS_CONFIG_FILE", (dir.path() / "config").string());
  const auto chain = AwsCredentialChain::default_chain(test::make_context(env.lookup()));
  asio::io_context io;
  auto credentials = run_on(io, chain->load());
  ASSERT_TRUE(credentials.ok()) << credentials.error().message;
  EXPECT_EQ(credentials->access_key_id.reveal(), "AKIDFILE");
  EXPECT_EQ(credentials->source, "shared-credentials-file:profile default");

  env.set("AWS_ACCESS_KEY_ID", "AKIDENV");
  env.set("AWS_SECRET_ACCESS_KEY", "s");
  credentials = run_on(io, chain->load());
  ASSERT_TRUE(credentials.ok());
  EXPECT_EQ(credentials->access_key_id.reveal(), "AKIDENV");
}

TEST(AwsCredentialChain, ConfigFileKeysServeWhenTheCredentialsFileHasNone) {
  TempDir dir;
  FakeEnvironment env;
  env.set("AWS_SHARED_CREDENTIALS_FILE", dir.write("credentials", "[other]\naws_access_key_id = X\n"));
  env.set("AWS_CONFIG_FILE", dir.write("config",
                                       "[profile dev]\naws_access_key_id = AKIDCONFIG\n"
                                       "aws_secret_access_key = s\naws_session_token = t\n"));
  env.set("AWS_PROFILE", "dev");
  const auto chain = AwsCredentialChain::default_chain(test::make_context(env.lookup()));
  asio::io_context io;
  const auto credentials = run_on(io, chain->load());
  ASSERT_TRUE(credentials.ok()) << credentials.error().message;
  EXPECT_EQ(credentials->access_key_id.reveal(), "AKIDCONFIG");
  EXPECT_EQ(credentials->session_token->reveal(), "t");
  EXPECT_EQ(credentials->source, "shared-config-file:profile dev");
}

TEST(AwsCredentialChain, AllFailedMessageListsEverySourceAndWhy) {
  TempDir dir;
  FakeEnvironment env;
  env.set("HOME", dir.path().string());  // no ~/.aws there
  env.set("AWS_EC2_METADATA_DISABLED", "true");
  const auto chain = AwsCredentialChain::default_chain(test::make_context(env.lookup()));
  asio::io_context io;
  const auto credentials = run_on(io, chain->load());
  ASSERT_FALSE(credentials.ok());
  EXPECT_EQ(credentials.error().status, 502);
  EXPECT_EQ(credentials.error().type, "upstream_error");
  EXPECT_EQ(credentials.error().code, "upstream_credentials");
  EXPECT_EQ(credentials.error().message,
            "no AWS credentials: environment: AWS_ACCESS_KEY_ID not set; shared files: profile `default` "
            "not found in ~/.aws/credentials or ~/.aws/config (neither file can be read); web identity: "
            "AWS_WEB_IDENTITY_TOKEN_FILE not set; container: neither AWS_CONTAINER_CREDENTIALS_RELATIVE_URI "
            "nor AWS_CONTAINER_CREDENTIALS_FULL_URI set; instance metadata: AWS_EC2_METADATA_DISABLED is true");
}

TEST(AwsCredentialChain, ProfileNamedButAbsentIsReported) {
  TempDir dir;
  FakeEnvironment env;
  env.set("AWS_SHARED_CREDENTIALS_FILE", dir.write("credentials", "[default]\naws_access_key_id = A\n"));
  env.set("AWS_CONFIG_FILE", (dir.path() / "config").string());
  env.set("AWS_PROFILE", "prod");
  env.set("AWS_EC2_METADATA_DISABLED", "true");
  const auto chain = AwsCredentialChain::default_chain(test::make_context(env.lookup()));
  asio::io_context io;
  const auto credentials = run_on(io, chain->load());
  ASSERT_FALSE(credentials.ok());
  EXPECT_NE(credentials.error().message.find("shared files: profile `prod` not found in " +
                                             (dir.path() / "credentials").string() + " or " +
                                             (dir.path() / "config").string() + ";"),
            std::string::npos)
      << credentials.error().message;
}

TEST(AwsCredentialChain, ProfileWithHalfAKeyPairSaysSo) {
  TempDir dir;
  FakeEnvironment env;
  const auto path = dir.write("credentials", "[default]\naws_access_key_id = A\n");
  env.set("AWS_SHARED_CREDENTIALS_FILE", path);
  env.set("AWS_CONFIG_FILE", (dir.path() / "config").string());
  env.set("AWS_EC2_METADATA_DISABLED", "true");
  const auto chain = AwsCredentialChain::default_chain(test::make_context(env.lookup()));
  asio::io_context io;
  const auto credentials = run_on(io, chain->load());
  ASSERT_FALSE(credentials.ok());
  EXPECT_NE(credentials.error().message.find("profile `default` in " + path +
                                             " has aws_access_key_id but no aws_secret_access_key"),
            std::string::npos)
      << credentials.error().message;
}

TEST(AwsCredentialDocument, ParsesIso8601Timestamps) {
  EXPECT_EQ(parse_aws_timestamp("2024-05-01T12:34:56Z"), utc(2024, 5, 1, 12, 34, 56));
  EXPECT_EQ(parse_aws_timestamp("2024-05-01T12:34:56.500Z"), utc(2024, 5, 1, 12, 34, 56) + 500ms);
  EXPECT_EQ(parse_aws_timestamp("2024-05-01T14:34:56+02:00"), utc(2024, 5, 1, 12, 34, 56));
  EXPECT_EQ(parse_aws_timestamp("2024-05-01T10:04:56-02:30"), utc(2024, 5, 1, 12, 34, 56));
  EXPECT_FALSE(parse_aws_timestamp("2024-05-01T12:34:56"));  // no zone: ambiguous
  EXPECT_FALSE(parse_aws_timestamp("2024-02-30T00:00:00Z"));
  EXPECT_FALSE(parse_aws_timestamp("yesterday"));
  EXPECT_FALSE(parse_aws_timestamp("2024-05-01T12:34:56Zjunk"));
}

TEST(AwsCredentialDocument, ReadsTheContainerShapeAndNamesMissingFields) {
  const auto credentials = parse_credential_document(
      R"({"AccessKeyId":"A","SecretAccessKey":"S","Token":"T","Expiration":"2030-01-01T00:00:00Z"})", {},
      "container", "the answer");
  ASSERT_TRUE(credentials.ok());
  EXPECT_EQ(credentials->session_token->reveal(), "T");
  const auto missing = parse_credential_document(R"({"AccessKeyId":"A"})", {}, "x", "the answer");
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().message, "the answer has no SecretAccessKey");
  EXPECT_FALSE(parse_credential_document("[1]", {}, "x", "the answer").ok());
}

TEST(AwsCredentialExpiry, ExpiredIsAtOrAfterTheExpiration) {
  AwsCredentials credentials = keys("A", "t");
  EXPECT_FALSE(credentials.expires_before(utc(2100, 1, 1)));  // static: never
  credentials.expiration = utc(2030, 1, 1, 12);
  EXPECT_FALSE(credentials.expires_before(utc(2030, 1, 1, 11, 59, 59)));
  EXPECT_TRUE(credentials.expires_before(utc(2030, 1, 1, 12)));
  EXPECT_TRUE(credentials.expires_before(utc(2030, 1, 1, 12, 0, 1)));
}

}  // namespace
}  // namespace sluice::auth
