// STS AssumeRole (profile role_arn + source_profile, SigV4-signed for `sts`) and
// AssumeRoleWithWebIdentity (environment and profile, unsigned) against an in-process STS: the
// form fields sent, the XML read back, STS error documents, endpoint and region choice.
#include "auth/AwsStsClient.h"

#include "auth/AwsProfileCredentials.h"
#include "auth/AwsWebIdentityCredentials.h"
#include "upstream/UpstreamClient.h"

#include "AwsCredentialTestSupport.h"

#include <gtest/gtest.h>

namespace sluice::auth {
namespace {

namespace asio = boost::asio;
using test::FakeClock;
using test::FakeEnvironment;
using test::TempDir;
using test::run_on;
using test::utc;
using upstream::test::ReceivedRequest;
using upstream::test::TestServerConnection;
using upstream::test::http_response;

constexpr std::string_view kAssumeRoleAnswer = R"(<AssumeRoleResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
  <AssumeRoleResult>
    <AssumedRoleUser>
      <Arn>arn:aws:sts::123456789012:assumed-role/demo/session</Arn>
      <AssumedRoleId>ARO123EXAMPLE123:session</AssumedRoleId>
    </AssumedRoleUser>
    <Credentials>
      <AccessKeyId>ASIAASSUMED</AccessKeyId>
      <SecretAccessKey>assumed/secret+key&amp;more</SecretAccessKey>
      <SessionToken>assumed-session-token</SessionToken>
      <Expiration>2030-05-01T12:00:00Z</Expiration>
    </Credentials>
  </AssumeRoleResult>
  <ResponseMetadata><RequestId>c6104cbe-af31-11e0-8154-cbc7ccf896c7</RequestId></ResponseMetadata>
</AssumeRoleResponse>)";

constexpr std::string_view kWebIdentityAnswer = R"(<AssumeRoleWithWebIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
  <AssumeRoleWithWebIdentityResult>
    <SubjectFromWebIdentityToken>system:serviceaccount:ns:sa</SubjectFromWebIdentityToken>
    <Credentials>
      <SessionToken>web-session-token</SessionToken>
      <SecretAccessKey>web-secret</SecretAccessKey>
      <Expiration>2030-05-01T13:00:00.000Z</Expiration>
      <AccessKeyId>ASIAWEB</AccessKeyId>
    </Credentials>
  </AssumeRoleWithWebIdentityResult>
</AssumeRoleWithWebIdentityResponse>)";

constexpr std::string_view kAccessDenied = R"(<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
  <Error>
    <Type>Sender</Type>
    <Code>AccessDenied</Code>
    <Message>User: arn:aws:iam::123456789012:user/base is not authorized to perform: sts:AssumeRole</Message>
  </Error>
  <RequestId>4a4e9b1c-0000-0000-0000-000000000000</RequestId>
</ErrorResponse>)";

std::string percent_decode(std::string_view text) {
  std::string out;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '%' && i + 2 < text.size()) {
      out += static_cast<char>(std::stoi(std::string(text.substr(i + 1, 2)), nullptr, 16));
      i += 2;
    } else {
      out += text[i];
    }
  }
  return out;
}

std::map<std::string, std::string> form_fields(std::string_view body) {
  std::map<std::string, std::string> fields;
  while (!body.empty()) {
    const auto amp = body.find('&');
    const std::string_view pair = body.substr(0, amp);
    const auto equals = pair.find('=');
    fields[std::string(pair.substr(0, equals))] =
        equals == std::string_view::npos ? "" : percent_decode(pair.substr(equals + 1));
    body = amp == std::string_view::npos ? std::string_view{} : body.substr(amp + 1);
  }
  return fields;
}

class AwsCredentialSts : public ::testing::Test {
 protected:
  AwsCredentialSts() {
    env_.set("AWS_ENDPOINT_URL_STS", server_.url("127.0.0.1", "/"));
    env_.set("AWS_SHARED_CREDENTIALS_FILE", (dir_.path() / "credentials").string());
    env_.set("AWS_CONFIG_FILE", (dir_.path() / "config").string());
  }

  // STS answers every request with `status` and `body`, and keeps what it received.
  void sts_answers(unsigned status, std::string_view body) {
    server_.serve([this, response = http_response(status, body, "Content-Type: text/xml\r\n")](
                      TestServerConnection& connection) -> asio::awaitable<void> {
      while (auto request = co_await connection.read_request()) {
        received_.push_back(std::move(*request));
        if (!co_await connection.write(response)) co_return;
      }
    });
  }

  AwsCredentialContext context() {
    return test::make_context(env_.lookup(), &client_, "eu-central-1", clock_.clock());
  }

  asio::io_context io_;
  upstream::test::TestUpstreamServer server_{io_};
  upstream::UpstreamClient client_{io_};
  FakeEnvironment env_;
  FakeClock clock_{utc(2030, 5, 1, 11, 0, 0)};
  TempDir dir_;
  std::vector<ReceivedRequest> received_;
};

TEST_F(AwsCredentialSts, ProfileRoleArnAssumesTheRoleSignedWithTheSourceProfile) {
  sts_answers(200, kAssumeRoleAnswer);
  dir_.write("credentials", "[base]\naws_access_key_id = AKIDBASE\naws_secret_access_key = base-secret\n");
  dir_.write("config",
             "[profile deploy]\nrole_arn = arn:aws:iam::123456789012:role/demo\nsource_profile = base\n"
             "role_session_name = gateway-session\nduration_seconds = 900\nexternal_id = ext-123\n"
             "region = us-west-2\n");
  env_.set("AWS_PROFILE", "deploy");

  AwsProfileCredentials source(context());
  const auto credentials = run_on(io_, source.load());
  ASSERT_TRUE(credentials.ok()) << credentials.error().message;
  EXPECT_EQ(credentials->access_key_id.reveal(), "ASIAASSUMED");
  EXPECT_EQ(credentials->secret_access_key.reveal(), "assumed/secret+key&more");
  ASSERT_TRUE(credentials->session_token);
  EXPECT_EQ(credentials->session_token->reveal(), "assumed-session-token");
  EXPECT_EQ(credentials->expiration, utc(2030, 5, 1, 12, 0, 0));
  EXPECT_EQ(credentials->source, "sts-assume-role:profile deploy");

  ASSERT_EQ(received_.size(), 1u);
  const ReceivedRequest& request = received_.front();
  EXPECT_EQ(request.method(), boost::beast::http::verb::post);
  EXPECT_EQ(request[boost::beast::http::field::content_type],
            "application/x-www-form-urlencoded; charset=utf-8");
  const auto fields = form_fields(request.body());
  EXPECT_EQ(fields.at("Action"), "AssumeRole");
  EXPECT_EQ(fields.at("Version"), "2011-06-15");
  EXPECT_EQ(fields.at("RoleArn"), "arn:aws:iam::123456789012:role/demo");
  EXPECT_EQ(fields.at("RoleSessionName"), "gateway-session");
  EXPECT_EQ(fields.at("DurationSeconds"), "900");
  EXPECT_EQ(fields.at("ExternalId"), "ext-123");
  // SigV4 with the source profile's key, for service sts in the profile's region, at the clock's time.
  const std::string authorization(request[boost::beast::http::field::authorization]);
  EXPECT_TRUE(authorization.starts_with(
      "AWS4-HMAC-SHA256 Credential=AKIDBASE/20300501/us-west-2/sts/aws4_request"))
      << authorization;
  EXPECT_EQ(request["X-Amz-Date"], "20300501T110000Z");
  EXPECT_EQ(authorization.find("base-secret"), std::string::npos);
}

TEST_F(AwsCredentialSts, GeneratesASessionNameWhenTheProfileHasNone) {
  sts_answers(200, kAssumeRoleAnswer);
  dir_.write("credentials",
             "[default]\nrole_arn = arn:aws:iam::1:role/r\nsource_profile = default\n"
             "aws_access_key_id = AKIDSELF\naws_secret_access_key = s\n");
  AwsProfileCredentials source(context());
  const auto credentials = run_on(io_, source.load());
  ASSERT_TRUE(credentials.ok()) << credentials.error().message;
  ASSERT_EQ(received_.size(), 1u);
  const auto fields = form_fields(received_.front().body());
  EXPECT_TRUE(fields.at("RoleSessionName").starts_with("sluice-")) << fields.at("RoleSessionName");
  EXPECT_EQ(fields.count("ExternalId"), 0u);
  EXPECT_EQ(fields.count("DurationSeconds"), 0u);
  // A profile that is its own source_profile signs with its own static keys; the region falls
  // back to the provider's.
  const std::string authorization(received_.front()[boost::beast::http::field::authorization]);
  EXPECT_NE(authorization.find("Credential=AKIDSELF/20300501/eu-central-1/sts/"), std::string::npos);
}

TEST_F(AwsCredentialSts, StsErrorDocumentBecomesAClearError) {
  sts_answers(403, kAccessDenied);
  dir_.write("credentials", "[base]\naws_access_key_id = AKIDBASE\naws_secret_access_key = base-secret\n");
  dir_.write("config", "[default]\nrole_arn = arn:aws:iam::1:role/r\nsource_profile = base\n");
  AwsProfileCredentials source(context());
  const auto credentials = run_on(io_, source.load());
  ASSERT_FALSE(credentials.ok());
  EXPECT_EQ(credentials.error().status, 502);
  EXPECT_EQ(credentials.error().code, "upstream_credentials");
  EXPECT_NE(credentials.error().message.find(
                "STS AssumeRole failed: HTTP 403 AccessDenied: User: arn:aws:iam::123456789012:user/base "
                "is not authorized to perform: sts:AssumeRole"),
            std::string::npos)
      << credentials.error().message;
  EXPECT_EQ(credentials.error().message.find("base-secret"), std::string::npos);
}

TEST_F(AwsCredentialSts, MissingSourceProfileIsNamed) {
  dir_.write("config", "[default]\nrole_arn = arn:aws:iam::1:role/r\nsource_profile = ghost\n");
  AwsProfileCredentials source(context());
  const auto credentials = run_on(io_, source.load());
  ASSERT_FALSE(credentials.ok());
  EXPECT_NE(credentials.error().message.find("profile `ghost` not found"), std::string::npos)
      << credentials.error().message;
}

TEST_F(AwsCredentialSts, SourceProfileCycleIsRefused) {
  dir_.write("config",
             "[profile a]\nrole_arn = arn:1\nsource_profile = b\n[profile b]\nrole_arn = arn:2\nsource_profile = a\n");
  env_.set("AWS_PROFILE", "a");
  AwsProfileCredentials source(context());
  const auto credentials = run_on(io_, source.load());
  ASSERT_FALSE(credentials.ok());
  EXPECT_NE(credentials.error().message.find("cycle"), std::string::npos) << credentials.error().message;
}

TEST_F(AwsCredentialSts, WebIdentityFromTheEnvironmentIsUnsignedAndCarriesTheToken) {
  sts_answers(200, kWebIdentityAnswer);
  env_.set("AWS_WEB_IDENTITY_TOKEN_FILE", dir_.write("token", "eyJhbGciOi.token.sig\n"));
  env_.set("AWS_ROLE_ARN", "arn:aws:iam::123456789012:role/web");
  env_.set("AWS_ROLE_SESSION_NAME", "pod-session");
  AwsWebIdentityCredentials source(context());
  const auto credentials = run_on(io_, source.load());
  ASSERT_TRUE(credentials.ok()) << credentials.error().message;
  EXPECT_EQ(credentials->access_key_id.reveal(), "ASIAWEB");
  EXPECT_EQ(credentials->session_token->reveal(), "web-session-token");
  EXPECT_EQ(credentials->expiration, utc(2030, 5, 1, 13, 0, 0));
  EXPECT_EQ(credentials->source, "sts-assume-role-with-web-identity");

  ASSERT_EQ(received_.size(), 1u);
  const auto fields = form_fields(received_.front().body());
  EXPECT_EQ(fields.at("Action"), "AssumeRoleWithWebIdentity");
  EXPECT_EQ(fields.at("Version"), "2011-06-15");
  EXPECT_EQ(fields.at("RoleArn"), "arn:aws:iam::123456789012:role/web");
  EXPECT_EQ(fields.at("RoleSessionName"), "pod-session");
  EXPECT_EQ(fields.at("WebIdentityToken"), "eyJhbGciOi.token.sig");  // trailing newline dropped
  EXPECT_EQ(received_.front().count(boost::beast::http::field::authorization), 0u);
}

TEST_F(AwsCredentialSts, WebIdentityRereadsTheTokenFileOnEveryLoad) {
  sts_answers(200, kWebIdentityAnswer);
  const auto token_file = dir_.write("token", "first-token");
  env_.set("AWS_WEB_IDENTITY_TOKEN_FILE", token_file);
  env_.set("AWS_ROLE_ARN", "arn:aws:iam::1:role/web");
  AwsWebIdentityCredentials source(context());
  ASSERT_TRUE(run_on(io_, source.load()).ok());
  dir_.write("token", "rotated-token");
  ASSERT_TRUE(run_on(io_, source.load()).ok());
  ASSERT_EQ(received_.size(), 2u);
  EXPECT_EQ(form_fields(received_[0].body()).at("WebIdentityToken"), "first-token");
  EXPECT_EQ(form_fields(received_[1].body()).at("WebIdentityToken"), "rotated-token");
}

TEST_F(AwsCredentialSts, ProfileWebIdentityTokenFileUsesAssumeRoleWithWebIdentity) {
  sts_answers(200, kWebIdentityAnswer);
  const auto token_file = dir_.write("token", "profile-token");
  dir_.write("config", "[default]\nrole_arn = arn:aws:iam::1:role/web\nweb_identity_token_file = " +
                           token_file + "\nrole_session_name = from-profile\n");
  AwsProfileCredentials source(context());
  const auto credentials = run_on(io_, source.load());
  ASSERT_TRUE(credentials.ok()) << credentials.error().message;
  EXPECT_EQ(credentials->source, "sts-assume-role-with-web-identity:profile default");
  ASSERT_EQ(received_.size(), 1u);
  const auto fields = form_fields(received_.front().body());
  EXPECT_EQ(fields.at("Action"), "AssumeRoleWithWebIdentity");
  EXPECT_EQ(fields.at("WebIdentityToken"), "profile-token");
  EXPECT_EQ(fields.at("RoleSessionName"), "from-profile");
}

TEST_F(AwsCredentialSts, WebIdentityErrorNeverCarriesTheToken) {
  sts_answers(400, R"(<ErrorResponse><Error><Code>InvalidIdentityToken</Code><Message>Token expired</Message></Error></ErrorResponse>)");
  env_.set("AWS_WEB_IDENTITY_TOKEN_FILE", dir_.write("token", "secret-jwt-value"));
  env_.set("AWS_ROLE_ARN", "arn:aws:iam::1:role/web");
  AwsWebIdentityCredentials source(context());
  const auto credentials = run_on(io_, source.load());
  ASSERT_FALSE(credentials.ok());
  EXPECT_EQ(credentials.error().message,
            "STS AssumeRoleWithWebIdentity failed: HTTP 400 InvalidIdentityToken: Token expired");
}

TEST_F(AwsCredentialSts, WebIdentityNeedsTheTokenFileAndRole) {
  AwsWebIdentityCredentials source(context());
  auto credentials = run_on(io_, source.load());
  ASSERT_FALSE(credentials.ok());
  EXPECT_EQ(credentials.error().message, "AWS_WEB_IDENTITY_TOKEN_FILE not set");
  env_.set("AWS_WEB_IDENTITY_TOKEN_FILE", (dir_.path() / "missing").string());
  credentials = run_on(io_, source.load());
  EXPECT_NE(credentials.error().message.find("AWS_ROLE_ARN not set"), std::string::npos);
  env_.set("AWS_ROLE_ARN", "arn:aws:iam::1:role/web");
  credentials = run_on(io_, source.load());
  EXPECT_NE(credentials.error().message.find("cannot be read"), std::string::npos);
}

TEST(AwsCredentialStsXml, ExtractsElementsAndDecodesEntities) {
  EXPECT_EQ(xml_element_text("<a><B>x &lt;&amp;&gt; &#65;&#x42;</B></a>", "B"), "x <&> AB");
  EXPECT_EQ(xml_element_text("<AccessKeyIdX>no</AccessKeyIdX><AccessKeyId>yes</AccessKeyId>", "AccessKeyId"),
            "yes");
  EXPECT_EQ(xml_element_text("<Code/>", "Code"), "");
  EXPECT_FALSE(xml_element_text("<Code>unterminated", "Code"));
  EXPECT_FALSE(xml_element_text("<Other>1</Other>", "Code"));
}

TEST(AwsCredentialStsXml, RefusesAnswersWithoutCredentials) {
  EXPECT_FALSE(parse_sts_credentials("<AssumeRoleResponse/>", "s").ok());
  const auto no_token = parse_sts_credentials(
      "<Credentials><AccessKeyId>A</AccessKeyId><SecretAccessKey>S</SecretAccessKey>"
      "<Expiration>2030-01-01T00:00:00Z</Expiration></Credentials>",
      "s");
  ASSERT_FALSE(no_token.ok());
  EXPECT_EQ(no_token.error().message, "the STS answer has no SessionToken");
}

TEST(AwsCredentialStsXml, ErrorWithoutADocumentStillNamesTheStatus) {
  EXPECT_EQ(sts_error("AssumeRole", 503, "Service Unavailable").message, "STS AssumeRole failed: HTTP 503");
}

TEST(AwsCredentialStsEndpoint, RegionalEndpointUnlessOverridden) {
  FakeEnvironment env;
  AwsCredentialContext context = test::make_context(env.lookup());
  context.region = "eu-west-3";
  EXPECT_EQ(sts_region(context, nullptr), "eu-west-3");
  EXPECT_EQ(sts_endpoint(context, "eu-west-3"), "https://sts.eu-west-3.amazonaws.com");
  EXPECT_EQ(sts_endpoint(context, "cn-north-1"), "https://sts.cn-north-1.amazonaws.com.cn");
  AwsProfile profile{{"region", "ap-southeast-2"}};
  EXPECT_EQ(sts_region(context, &profile), "ap-southeast-2");
  env.set("AWS_DEFAULT_REGION", "us-east-2");
  EXPECT_EQ(sts_region(context, &profile), "us-east-2");
  env.set("AWS_REGION", "us-west-1");
  EXPECT_EQ(sts_region(context, &profile), "us-west-1");
  env.set("AWS_ENDPOINT_URL_STS", "http://localhost:4566");
  EXPECT_EQ(sts_endpoint(context, "us-west-1"), "http://localhost:4566");
}

}  // namespace
}  // namespace sluice::auth
