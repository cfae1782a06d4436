// AwsStsClient: the two AWS STS calls the credential chain needs, AssumeRole and
// AssumeRoleWithWebIdentity, over the STS query API.
//
// A call is one POST of a form-encoded body (`Action=AssumeRole&Version=2011-06-15&...`) to the
// STS endpoint; the answer is XML. AssumeRole is SigV4-signed (service `sts`) with the source
// credentials; AssumeRoleWithWebIdentity is not signed at all — the web identity token is the
// proof. The XML is read with a small extractor (STS's documents are flat and attribute-free):
// Credentials/{AccessKeyId, SecretAccessKey, SessionToken, Expiration} on success, Error/{Code,
// Message} otherwise, reported as "STS AssumeRole failed: HTTP 403 AccessDenied: <Message>".
// Messages never carry the request body (it holds the web identity token) or credentials.
//
// Use it on the credentials thread with that thread's UpstreamClient.
#pragma once

#include "auth/AwsCredentialSource.h"
#include "auth/AwsProfileFile.h"
#include "upstream/UpstreamDeadlines.h"
#include "upstream/UpstreamRequest.h"

#include <boost/asio/awaitable.hpp>

#include <optional>
#include <string>
#include <string_view>

namespace sluice::auth {

struct AwsAssumeRoleParameters {
  std::string role_arn;
  std::string role_session_name;
  std::optional<int> duration_seconds;   // STS's default (3600) when absent
  std::optional<std::string> external_id;
};

struct AwsWebIdentityParameters {
  std::string role_arn;
  std::string role_session_name;
  config::Secret web_identity_token;
  std::optional<int> duration_seconds;
};

class AwsStsClient {
 public:
  // `endpoint` as sts_endpoint() gives it; `region` is the signing region.
  AwsStsClient(upstream::UpstreamClient& http, std::string endpoint, std::string region,
               upstream::UpstreamDeadlines deadlines, AwsClock now);

  boost::asio::awaitable<Expected<AwsCredentials>> assume_role(const AwsAssumeRoleParameters& parameters,
                                                               const AwsCredentials& source_credentials);
  boost::asio::awaitable<Expected<AwsCredentials>> assume_role_with_web_identity(
      const AwsWebIdentityParameters& parameters);

  const std::string& endpoint() const { return endpoint_; }
  const std::string& region() const { return region_; }

 private:
  boost::asio::awaitable<Expected<AwsCredentials>> call(std::string_view action,
                                                         upstream::UpstreamRequest request);

  upstream::UpstreamClient& http_;
  std::string endpoint_;
  std::string region_;
  upstream::UpstreamDeadlines deadlines_;
  AwsClock now_;
};

// The region STS is called in: AWS_REGION, else AWS_DEFAULT_REGION, else the profile's `region`,
// else the provider's region (context.region); "us-east-1" when none says.
std::string sts_region(const AwsCredentialContext& context, const AwsProfile* profile);

// AWS_ENDPOINT_URL_STS when set, else https://sts.<region>.amazonaws.com (.amazonaws.com.cn in
// the China regions).
std::string sts_endpoint(const AwsCredentialContext& context, std::string_view region);

// A RoleSessionName when the configuration names none: "sluice-<unix milliseconds>", like the
// SDKs' "botocore-session-<time>".
std::string generated_role_session_name(std::chrono::system_clock::time_point now);

// The text of the first <element>...</element> in `xml`, entities decoded; nullopt when absent.
std::optional<std::string> xml_element_text(std::string_view xml, std::string_view element);

// The credentials in an STS success document (AssumeRoleResult or
// AssumeRoleWithWebIdentityResult), labelled `source`.
Expected<AwsCredentials> parse_sts_credentials(std::string_view xml, std::string source);

// "STS <action> failed: HTTP <status> <Code>: <Message>" from an STS error document (or as much of
// it as is there).
GatewayError sts_error(std::string_view action, unsigned status, std::string_view xml);

}  // namespace sluice::auth
