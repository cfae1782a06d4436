// SigV4Signer on gateway-shaped requests. The expected signatures below were computed independently
// with botocore 1.43's SigV4Auth (same credentials, time, URL, headers and body; the
// x-amz-content-sha256 header set on the request before signing), so they check the whole chain,
// not just its shape. The AWS suites themselves run in SigV4SuiteTest.cpp.
#include "auth/SigV4Signer.h"

#include "core/Digest.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <regex>
#include <stdexcept>
#include <thread>
#include <vector>

namespace sluice::auth {
namespace {

using namespace std::chrono;
using Headers = std::vector<std::pair<std::string, std::string>>;

constexpr std::string_view kSecret = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
const system_clock::time_point kNow = sys_days{year{2026} / 1 / 15} + hours{9} + minutes{30};

constexpr std::string_view kArnPath =
    "/model/arn%3Aaws%3Abedrock%3Aus-east-1%3A123%3Ainference-profile%2Fus.anthropic.claude/converse";

AwsCredentials static_credentials(std::string access_key = "AKIDEXAMPLE",
                                  std::string secret = std::string(kSecret)) {
  AwsCredentials credentials;
  credentials.access_key_id = config::Secret(std::move(access_key));
  credentials.secret_access_key = config::Secret(std::move(secret));
  credentials.source = "test";
  return credentials;
}

AwsCredentials session_credentials(std::string token) {
  AwsCredentials credentials = static_credentials();
  credentials.session_token = config::Secret(std::move(token));
  return credentials;
}

upstream::UpstreamRequest converse_request() {
  upstream::UpstreamRequest request;
  request.url = "https://bedrock-runtime.us-east-1.amazonaws.com" + std::string(kArnPath);
  request.headers = {{"Content-Type", "application/json"}, {"User-Agent", "sluice/0.1"}};
  request.body = R"({"messages":[{"role":"user","content":[{"text":"hi"}]}]})";
  return request;
}

upstream::UpstreamRequest mantle_request() {
  upstream::UpstreamRequest request;
  request.url = "https://bedrock-mantle.us-east-2.api.aws/openai/v1/responses";
  request.headers = {{"Content-Type", "application/json"},
                     {"Accept", "text/event-stream"},
                     {"User-Agent", "sluice/0.1"}};
  request.body = R"({"model":"openai.gpt-oss-120b","input":"hi","stream":true})";
  request.expects_event_stream = true;
  return request;
}

std::string canonical_uri_line(const std::string& canonical_request) {
  const std::size_t start = canonical_request.find('\n') + 1;
  return canonical_request.substr(start, canonical_request.find('\n', start) - start);
}

std::size_t count_headers(const upstream::UpstreamRequest& request, std::string_view name) {
  return static_cast<std::size_t>(std::count_if(
      request.headers.begin(), request.headers.end(), [&](const auto& header) {
        return header.first.size() == name.size() &&
               std::equal(name.begin(), name.end(), header.first.begin(), [](char a, char b) {
                 return std::tolower(static_cast<unsigned char>(a)) ==
                        std::tolower(static_cast<unsigned char>(b));
               });
      }));
}

TEST(SigV4SignerTest, ArnModelIdPathIsEncodedAgainInTheCanonicalUri) {
  const SigV4Signer signer("us-east-1", "bedrock");
  const SigV4Signer::Products products =
      signer.sign_products(converse_request(), static_credentials(), kNow);
  EXPECT_EQ(canonical_uri_line(products.canonical_request),
            "/model/arn%253Aaws%253Abedrock%253Aus-east-1%253A123%253Ainference-profile%252Fus."
            "anthropic.claude/converse");
  EXPECT_EQ(products.authorization,
            "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20260115/us-east-1/bedrock/aws4_request, "
            "SignedHeaders=content-type;host;x-amz-content-sha256;x-amz-date, "
            "Signature=2de593587d4411436e4ff334d73a56016beaf7d6b5a53366572dda454db6bf4a");
}

TEST(SigV4SignerTest, DoubleEncodingIsAnOptionThatS3StyleSigningTurnsOff) {
  SigV4Options options;
  options.double_encode_path = false;
  const SigV4Signer signer("us-east-1", "bedrock", options);
  const SigV4Signer::Products products =
      signer.sign_products(converse_request(), static_credentials(), kNow);
  EXPECT_EQ(canonical_uri_line(products.canonical_request), kArnPath);
}

TEST(SigV4SignerTest, SessionTokenIsSentAndSigned) {
  const std::string token = "FQoGZXIvYXdzEXAMPLETOKEN//+=";
  const SigV4Signer signer("us-east-2", "bedrock-mantle");
  upstream::UpstreamRequest request = mantle_request();
  const SigV4Signer::Products products =
      signer.sign_products(request, session_credentials(token), kNow);
  signer.sign(request, session_credentials(token), kNow);

  ASSERT_NE(request.find_header("x-amz-security-token"), nullptr);
  EXPECT_EQ(*request.find_header("x-amz-security-token"), token);
  EXPECT_NE(products.canonical_request.find("\nx-amz-security-token:" + token + "\n"),
            std::string::npos);
  EXPECT_EQ(*request.find_header("authorization"),
            "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20260115/us-east-2/bedrock-mantle/aws4_request, "
            "SignedHeaders=accept;content-type;host;x-amz-content-sha256;x-amz-date;"
            "x-amz-security-token, "
            "Signature=f006671ebbd794f5d1b380af9aebd934daf352515133c5f1b0d44c6613b9174b");
}

TEST(SigV4SignerTest, SessionTokenCanBeAddedAfterSigning) {
  SigV4Options options;
  options.sign_session_token = false;
  const SigV4Signer signer("us-east-2", "bedrock-mantle", options);
  upstream::UpstreamRequest request = mantle_request();
  signer.sign(request, session_credentials("TOKEN"), kNow);
  ASSERT_NE(request.find_header("x-amz-security-token"), nullptr);
  EXPECT_EQ(request.find_header("authorization")->find("x-amz-security-token"), std::string::npos);
}

TEST(SigV4SignerTest, MantleRequestCarriesEverySigningHeader) {
  const SigV4Signer signer("us-east-2", "bedrock-mantle");
  upstream::UpstreamRequest request = mantle_request();
  const std::string body = request.body;
  signer.sign(request, static_credentials(), system_clock::now());

  ASSERT_NE(request.find_header("host"), nullptr);
  EXPECT_EQ(*request.find_header("host"), "bedrock-mantle.us-east-2.api.aws");
  ASSERT_NE(request.find_header("x-amz-date"), nullptr);
  EXPECT_TRUE(std::regex_match(*request.find_header("x-amz-date"), std::regex(R"(\d{8}T\d{6}Z)")));
  ASSERT_NE(request.find_header("x-amz-content-sha256"), nullptr);
  EXPECT_EQ(*request.find_header("x-amz-content-sha256"), to_hex(sha256(body)));
  EXPECT_EQ(request.find_header("x-amz-security-token"), nullptr);
  ASSERT_NE(request.find_header("authorization"), nullptr);
  EXPECT_TRUE(std::regex_match(
      *request.find_header("authorization"),
      std::regex(R"(AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/\d{8}/us-east-2/bedrock-mantle/aws4_request, )"
                 R"(SignedHeaders=accept;content-type;host;x-amz-content-sha256;x-amz-date, )"
                 R"(Signature=[0-9a-f]{64})")));
  EXPECT_EQ(request.body, body);  // the signature covers the body as it is; never rewritten
}

TEST(SigV4SignerTest, UserAgentAndHopByHopHeadersStayOutOfTheSignature) {
  const SigV4Signer signer("us-east-2", "bedrock-mantle");
  upstream::UpstreamRequest request = mantle_request();
  request.headers.emplace_back("Connection", "keep-alive");
  request.headers.emplace_back("X-Amzn-Trace-Id", "Root=1-abc");
  const SigV4Signer::Products products = signer.sign_products(request, static_credentials(), kNow);
  EXPECT_EQ(products.signed_headers, "accept;content-type;host;x-amz-content-sha256;x-amz-date");
}

TEST(SigV4SignerTest, SignReplacesAPreExistingAuthorizationAndApiKey) {
  const SigV4Signer signer("us-east-1", "bedrock");
  upstream::UpstreamRequest request = converse_request();
  request.headers.emplace_back("Authorization", "Bearer admin-configured");
  request.headers.emplace_back("x-api-key", "admin-key");
  request.headers.emplace_back("X-Amz-Date", "19990101T000000Z");
  request.headers.emplace_back("x-amz-security-token", "stale");
  signer.sign(request, static_credentials(), kNow);

  EXPECT_EQ(count_headers(request, "authorization"), 1u);
  EXPECT_EQ(count_headers(request, "x-api-key"), 0u);
  EXPECT_EQ(count_headers(request, "x-amz-date"), 1u);
  EXPECT_EQ(count_headers(request, "x-amz-security-token"), 0u);
  EXPECT_EQ(*request.find_header("x-amz-date"), "20260115T093000Z");
  EXPECT_EQ(request.headers.back().first, "Authorization");  // auth comes last
  EXPECT_EQ(*request.find_header("authorization"),
            signer.sign_products(converse_request(), static_credentials(), kNow).authorization);
}

TEST(SigV4SignerTest, SignProductsLeavesTheRequestUntouched) {
  const SigV4Signer signer("us-east-1", "bedrock");
  const upstream::UpstreamRequest request = converse_request();
  (void)signer.sign_products(request, static_credentials(), kNow);
  EXPECT_EQ(request.headers, converse_request().headers);
}

TEST(SigV4SignerTest, HostCarriesThePortOnlyWhenNotTheSchemeDefault) {
  const SigV4Signer signer("us-east-1", "bedrock");
  upstream::UpstreamRequest request = converse_request();
  request.url = "https://bedrock.example:8443/model/x/converse";
  signer.sign(request, static_credentials(), kNow);
  EXPECT_EQ(*request.find_header("host"), "bedrock.example:8443");

  request = converse_request();
  request.url = "https://Bedrock.Example:443/model/x/converse";
  signer.sign(request, static_credentials(), kNow);
  EXPECT_EQ(*request.find_header("host"), "bedrock.example");
}

TEST(SigV4SignerTest, AnExistingHostHeaderIsSignedAsItIs) {
  const SigV4Signer signer("us-east-1", "bedrock");
  upstream::UpstreamRequest request = converse_request();
  request.headers.emplace_back("Host", "override.example");
  const SigV4Signer::Products products = signer.sign_products(request, static_credentials(), kNow);
  EXPECT_NE(products.canonical_request.find("\nhost:override.example\n"), std::string::npos);
}

TEST(SigV4SignerTest, SigningKeyMatchesTheAwsDocumentationExample) {
  // "Examples of how to derive a signing key for Signature Version 4" (AWS General Reference).
  const SigV4Signer signer("us-east-1", "iam");
  const auto key = signer.signing_key(static_credentials(), "20120215");
  EXPECT_EQ(to_hex(key->bytes.data(), key->bytes.size()),
            "f4780e2d9f65fa895f9c67b32ce1baf0b0d8a43505a000a1a9e090d414db404d");
}

TEST(SigV4SignerTest, SigningKeyIsCachedPerAccessKeyDayAndSecret) {
  const SigV4Signer signer("us-east-1", "bedrock");
  const auto first = signer.signing_key(static_credentials(), "20260115");
  EXPECT_EQ(signer.signing_key(static_credentials(), "20260115"), first);  // the same object
  EXPECT_NE(signer.signing_key(static_credentials(), "20260116"), first);
  EXPECT_NE(signer.signing_key(static_credentials("AKIDOTHER"), "20260115"), first);
  const auto rotated = signer.signing_key(static_credentials("AKIDEXAMPLE", "another"), "20260115");
  EXPECT_NE(rotated->bytes, first->bytes);
}

TEST(SigV4SignerTest, SignReusesTheCachedKey) {
  const SigV4Signer signer("us-east-1", "bedrock");
  const auto before = signer.signing_key(static_credentials(), "20260115");
  upstream::UpstreamRequest request = converse_request();
  signer.sign(request, static_credentials(), kNow);
  EXPECT_EQ(signer.signing_key(static_credentials(), "20260115"), before);
}

TEST(SigV4SignerTest, ConcurrentSigningAgrees) {
  const SigV4Signer signer("us-east-1", "bedrock");
  const std::string expected =
      signer.sign_products(converse_request(), static_credentials(), kNow).signature;
  std::vector<std::string> seen(4);
  std::vector<std::thread> threads;
  for (std::size_t i = 0; i < seen.size(); ++i) {
    threads.emplace_back([&, i] {
      for (int round = 0; round < 50; ++round) {
        // Alternating days makes the threads insert into and evict from the cache concurrently.
        const auto when = kNow + days{round % 6};
        const std::string signature =
            signer.sign_products(converse_request(), static_credentials(), when).signature;
        if (round % 6 == 0) seen[i] = signature;
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  for (const std::string& signature : seen) EXPECT_EQ(signature, expected);
}

TEST(SigV4SignerTest, RefusesMissingCredentialsWithoutNamingThem) {
  const SigV4Signer signer("us-east-1", "bedrock");
  upstream::UpstreamRequest request = converse_request();
  EXPECT_THROW(signer.sign(request, static_credentials("", "s3cr3t-value"), kNow),
               std::invalid_argument);
  try {
    signer.sign(request, static_credentials("AKIDEXAMPLE", ""), kNow);
    FAIL() << "expected std::invalid_argument";
  } catch (const std::invalid_argument& error) {
    EXPECT_EQ(std::string(error.what()).find("AKIDEXAMPLE"), std::string::npos);
  }
  EXPECT_EQ(request.headers, converse_request().headers);  // refused before anything changed
}

TEST(SigV4SignerTest, RefusesAUrlItCannotDeriveAHostFrom) {
  const SigV4Signer signer("us-east-1", "bedrock");
  upstream::UpstreamRequest request = converse_request();
  request.url = "/model/x/converse";
  EXPECT_THROW(signer.sign(request, static_credentials(), kNow), std::invalid_argument);
  request.url = "ftp://files.example/x";
  EXPECT_THROW(signer.sign(request, static_credentials(), kNow), std::invalid_argument);
  EXPECT_EQ(request.headers, converse_request().headers);
}

}  // namespace
}  // namespace sluice::auth
