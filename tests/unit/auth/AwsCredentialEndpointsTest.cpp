// The HTTP credential endpoints: the container endpoint (ECS / EKS Pod Identity) with its
// authorization token and allowed hosts, and EC2 instance metadata (IMDSv2: token PUT, then the
// role name and its credentials with the token).
#include "auth/AwsContainerCredentials.h"
#include "auth/AwsInstanceMetadataCredentials.h"
#include "upstream/UpstreamClient.h"

#include "AwsCredentialTestSupport.h"

#include <gtest/gtest.h>

namespace sluice::auth {
namespace {

namespace asio = boost::asio;
namespace http = boost::beast::http;
using test::FakeEnvironment;
using test::TempDir;
using test::run_on;
using test::utc;
using upstream::test::ReceivedRequest;
using upstream::test::TestServerConnection;
using upstream::test::http_response;

constexpr std::string_view kContainerAnswer =
    R"({"AccessKeyId":"ASIACONTAINER","SecretAccessKey":"container-secret","Token":"container-token",)"
    R"("Expiration":"2030-05-01T12:00:00Z","RoleArn":"arn:aws:iam::1:role/task"})";

constexpr std::string_view kImdsCredentials =
    R"({"Code":"Success","LastUpdated":"2030-05-01T11:00:00Z","Type":"AWS-HMAC",)"
    R"("AccessKeyId":"ASIAIMDS","SecretAccessKey":"imds-secret","Token":"imds-session",)"
    R"("Expiration":"2030-05-01T17:00:00Z"})";

class AwsCredentialEndpoints : public ::testing::Test {
 protected:
  using Answer = std::function<std::string(const ReceivedRequest&)>;

  // The server answers each request with answer(request) and records it.
  void serve(Answer answer) {
    server_.serve([this, answer = std::move(answer)](TestServerConnection& connection) -> asio::awaitable<void> {
      while (auto request = co_await connection.read_request()) {
        received_.push_back(*request);
        if (!co_await connection.write(answer(*request))) co_return;
      }
    });
  }

  AwsCredentialContext context() { return test::make_context(env_.lookup(), &client_); }

  asio::io_context io_;
  upstream::test::TestUpstreamServer server_{io_};
  upstream::UpstreamClient client_{io_};
  FakeEnvironment env_;
  TempDir dir_;
  std::vector<ReceivedRequest> received_;
};

TEST_F(AwsCredentialEndpoints, ContainerFullUriWithAuthorizationToken) {
  serve([](const ReceivedRequest&) { return http_response(200, kContainerAnswer); });
  env_.set("AWS_CONTAINER_CREDENTIALS_FULL_URI", server_.url("127.0.0.1", "/v2/credentials/abc"));
  env_.set("AWS_CONTAINER_AUTHORIZATION_TOKEN", "Basic token-from-env");
  AwsContainerCredentials source(context());
  const auto credentials = run_on(io_, source.load());
  ASSERT_TRUE(credentials.ok()) << credentials.error().message;
  EXPECT_EQ(credentials->access_key_id.reveal(), "ASIACONTAINER");
  EXPECT_EQ(credentials->secret_access_key.reveal(), "container-secret");
  EXPECT_EQ(credentials->session_token->reveal(), "container-token");
  EXPECT_EQ(credentials->expiration, utc(2030, 5, 1, 12, 0, 0));
  EXPECT_EQ(credentials->source, "container");
  ASSERT_EQ(received_.size(), 1u);
  EXPECT_EQ(received_[0].method(), http::verb::get);
  EXPECT_EQ(received_[0].target(), "/v2/credentials/abc");
  EXPECT_EQ(received_[0][http::field::authorization], "Basic token-from-env");
}

TEST_F(AwsCredentialEndpoints, ContainerTokenFileWinsAndIsReadAfreshEachLoad) {
  serve([](const ReceivedRequest&) { return http_response(200, kContainerAnswer); });
  env_.set("AWS_CONTAINER_CREDENTIALS_FULL_URI", server_.url("127.0.0.1", "/creds"));
  env_.set("AWS_CONTAINER_AUTHORIZATION_TOKEN", "from-env");
  env_.set("AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE", dir_.write("token", "from-file-1\n"));
  AwsContainerCredentials source(context());
  ASSERT_TRUE(run_on(io_, source.load()).ok());
  dir_.write("token", "from-file-2");
  ASSERT_TRUE(run_on(io_, source.load()).ok());
  ASSERT_EQ(received_.size(), 2u);
  EXPECT_EQ(received_[0][http::field::authorization], "from-file-1");
  EXPECT_EQ(received_[1][http::field::authorization], "from-file-2");
}

TEST_F(AwsCredentialEndpoints, ContainerRetriesOnceAfterAServerError) {
  serve([this](const ReceivedRequest&) {
    return received_.size() == 1 ? http_response(500, "busy") : http_response(200, kContainerAnswer);
  });
  env_.set("AWS_CONTAINER_CREDENTIALS_FULL_URI", server_.url("127.0.0.1", "/creds"));
  AwsContainerCredentials source(context());
  const auto credentials = run_on(io_, source.load());
  ASSERT_TRUE(credentials.ok()) << credentials.error().message;
  EXPECT_EQ(received_.size(), 2u);
}

TEST_F(AwsCredentialEndpoints, ContainerClientErrorIsFinal) {
  serve([](const ReceivedRequest&) { return http_response(403, R"({"Message":"denied"})"); });
  env_.set("AWS_CONTAINER_CREDENTIALS_FULL_URI", server_.url("127.0.0.1", "/creds"));
  AwsContainerCredentials source(context());
  const auto credentials = run_on(io_, source.load());
  ASSERT_FALSE(credentials.ok());
  EXPECT_EQ(credentials.error().message, "container endpoint answered HTTP 403");
  EXPECT_EQ(received_.size(), 1u);
}

TEST_F(AwsCredentialEndpoints, ContainerRefusesAFullUriOnAnotherHost) {
  env_.set("AWS_CONTAINER_CREDENTIALS_FULL_URI", "http://192.0.2.10/creds");
  AwsContainerCredentials source(context());
  const auto credentials = run_on(io_, source.load());
  ASSERT_FALSE(credentials.ok());
  EXPECT_NE(credentials.error().message.find("not https"), std::string::npos);
  EXPECT_EQ(server_.connections_accepted(), 0u);
}

TEST_F(AwsCredentialEndpoints, ContainerNeedsOneOfTheUris) {
  AwsContainerCredentials source(context());
  const auto credentials = run_on(io_, source.load());
  ASSERT_FALSE(credentials.ok());
  EXPECT_EQ(credentials.error().message,
            "neither AWS_CONTAINER_CREDENTIALS_RELATIVE_URI nor AWS_CONTAINER_CREDENTIALS_FULL_URI set");
}

TEST(AwsCredentialContainerHosts, AllowsLoopbackTheLinkLocalEndpointsAndHttps) {
  EXPECT_TRUE(container_endpoint_allowed("http://127.0.0.1:8080/creds"));
  EXPECT_TRUE(container_endpoint_allowed("http://127.1.2.3/creds"));
  EXPECT_TRUE(container_endpoint_allowed("http://localhost/creds"));
  EXPECT_TRUE(container_endpoint_allowed("http://[::1]:9000/creds"));
  EXPECT_TRUE(container_endpoint_allowed("http://169.254.170.2/v2/credentials"));
  EXPECT_TRUE(container_endpoint_allowed("http://169.254.170.23/v1/credentials"));
  EXPECT_TRUE(container_endpoint_allowed("http://[fd00:ec2::23]/v1/credentials"));
  EXPECT_TRUE(container_endpoint_allowed("https://creds.example.com/x"));
  EXPECT_FALSE(container_endpoint_allowed("http://creds.example.com/x"));
  EXPECT_FALSE(container_endpoint_allowed("http://169.254.169.254/latest"));
  EXPECT_FALSE(container_endpoint_allowed("http://[fd00:ec2::254]/latest"));
  EXPECT_FALSE(container_endpoint_allowed("ftp://127.0.0.1/x"));
  EXPECT_FALSE(container_endpoint_allowed("not a url"));
}

// IMDS as EC2 runs it: a token for the PUT, 401 for a GET without it.
std::string imds_answer(const ReceivedRequest& request) {
  const std::string target(request.target());
  if (target == "/latest/api/token") {
    if (request.method() != http::verb::put || request["X-aws-ec2-metadata-token-ttl-seconds"] != "21600") {
      return http_response(400, "");
    }
    return http_response(200, "imds-session-token");
  }
  if (request["X-aws-ec2-metadata-token"] != "imds-session-token") return http_response(401, "");
  if (target == "/latest/meta-data/iam/security-credentials/") return http_response(200, "demo-role\n");
  if (target == "/latest/meta-data/iam/security-credentials/demo-role") {
    return http_response(200, kImdsCredentials);
  }
  return http_response(404, "");
}

TEST_F(AwsCredentialEndpoints, InstanceMetadataPutsForATokenThenGetsWithIt) {
  serve(imds_answer);
  env_.set("AWS_EC2_METADATA_SERVICE_ENDPOINT", server_.url("127.0.0.1", "/"));
  AwsInstanceMetadataCredentials source(context());
  const auto credentials = run_on(io_, source.load());
  ASSERT_TRUE(credentials.ok()) << credentials.error().message;
  EXPECT_EQ(credentials->access_key_id.reveal(), "ASIAIMDS");
  EXPECT_EQ(credentials->secret_access_key.reveal(), "imds-secret");
  EXPECT_EQ(credentials->session_token->reveal(), "imds-session");
  EXPECT_EQ(credentials->expiration, utc(2030, 5, 1, 17, 0, 0));
  EXPECT_EQ(credentials->source, "instance-metadata:role demo-role");
  ASSERT_EQ(received_.size(), 3u);
  EXPECT_EQ(received_[0].method(), http::verb::put);
  EXPECT_EQ(received_[0].target(), "/latest/api/token");
  EXPECT_EQ(received_[1].target(), "/latest/meta-data/iam/security-credentials/");
  EXPECT_EQ(received_[2].target(), "/latest/meta-data/iam/security-credentials/demo-role");
  EXPECT_EQ(received_[1]["X-aws-ec2-metadata-token"], "imds-session-token");
  EXPECT_EQ(received_[2]["X-aws-ec2-metadata-token"], "imds-session-token");
}

TEST_F(AwsCredentialEndpoints, InstanceMetadataDisabledFlagAsksNothing) {
  serve(imds_answer);
  env_.set("AWS_EC2_METADATA_SERVICE_ENDPOINT", server_.url("127.0.0.1", "/"));
  env_.set("AWS_EC2_METADATA_DISABLED", "TRUE");
  AwsInstanceMetadataCredentials source(context());
  const auto credentials = run_on(io_, source.load());
  ASSERT_FALSE(credentials.ok());
  EXPECT_EQ(credentials.error().message, "AWS_EC2_METADATA_DISABLED is true");
  EXPECT_EQ(server_.connections_accepted(), 0u);
}

TEST_F(AwsCredentialEndpoints, InstanceMetadataForbiddenTokenIsFinal) {
  serve([](const ReceivedRequest&) { return http_response(403, ""); });
  env_.set("AWS_EC2_METADATA_SERVICE_ENDPOINT", server_.url("127.0.0.1", "/"));
  AwsInstanceMetadataCredentials source(context());
  const auto credentials = run_on(io_, source.load());
  ASSERT_FALSE(credentials.ok());
  EXPECT_EQ(credentials.error().message, "instance metadata refused a session token (HTTP 403)");
  EXPECT_EQ(received_.size(), 1u);
}

TEST_F(AwsCredentialEndpoints, InstanceMetadataFallsBackToV1WhenTokensAreUnknown) {
  serve([](const ReceivedRequest& request) {
    const std::string target(request.target());
    if (target == "/latest/api/token") return http_response(404, "");
    if (target == "/latest/meta-data/iam/security-credentials/") return http_response(200, "demo-role");
    return http_response(200, kImdsCredentials);
  });
  env_.set("AWS_EC2_METADATA_SERVICE_ENDPOINT", server_.url("127.0.0.1", "/"));
  AwsInstanceMetadataCredentials source(context());
  const auto credentials = run_on(io_, source.load());
  ASSERT_TRUE(credentials.ok()) << credentials.error().message;
  ASSERT_EQ(received_.size(), 3u);
  EXPECT_EQ(received_[1].count("X-aws-ec2-metadata-token"), 0u);

  env_.set("AWS_EC2_METADATA_V1_DISABLED", "true");
  EXPECT_FALSE(run_on(io_, source.load()).ok());
}

TEST_F(AwsCredentialEndpoints, InstanceMetadataWithoutARoleSaysSo) {
  serve([](const ReceivedRequest& request) {
    return request.target() == "/latest/api/token" ? http_response(200, "t") : http_response(404, "");
  });
  env_.set("AWS_EC2_METADATA_SERVICE_ENDPOINT", server_.url("127.0.0.1", "/"));
  AwsInstanceMetadataCredentials source(context());
  const auto credentials = run_on(io_, source.load());
  ASSERT_FALSE(credentials.ok());
  EXPECT_EQ(credentials.error().message, "no IAM role is attached to this instance");
}

}  // namespace
}  // namespace sluice::auth
