// OidcClient against an in-process OpenID provider: discovery, the authorization URL, redeeming the
// code (client_secret_basic, PKCE), id_token verification, caching and key rotation.
#include "sso/OidcClient.h"

#include "sso/Pkce.h"
#include "upstream/UpstreamClient.h"

#include "SsoTestKeys.h"
#include "SsoTestServer.h"

#include <boost/json/parse.hpp>
#include <gtest/gtest.h>

namespace sluice::sso {
namespace {

namespace asio = boost::asio;
using test::TestSigningKey;
using test::form_fields;
using test::json_response;
using test::query_fields;
using test::run_on;

constexpr std::int64_t kStartSeconds = 1'900'000'000;
constexpr std::string_view kCode = "the-authorization-code";

class OidcClientTest : public ::testing::Test {
 protected:
  OidcClientTest() {
    provider_.key = "corp";
    provider_.label = "Corp";
    provider_.issuer_url = server_.base_url();
    provider_.client_id = "sluice client";
    provider_.client_secret = config::Secret("s3cr:t&+x");
    serve_discovery(provider_.issuer_url);
    jwks_ = boost::json::object{{"keys", boost::json::array{TestSigningKey::rsa().jwk("k1")}}};
    server_.on("/jwks", [this](const test::ReceivedRequest&) { return json_response(200, jwks_); });
    server_.on("/token", [this](const test::ReceivedRequest& request) { return token_answer_(request); });
    token_answer_ = [this](const test::ReceivedRequest&) {
      return json_response(200, {{"access_token", "at"}, {"token_type", "Bearer"}, {"id_token", id_token()}});
    };
  }

  void serve_discovery(const std::string& issuer) {
    const std::string base = server_.base_url();
    server_.on_json("/.well-known/openid-configuration", 200,
                    {{"issuer", issuer},
                     {"authorization_endpoint", base + "/authorize"},
                     {"token_endpoint", base + "/token"},
                     {"jwks_uri", base + "/jwks"},
                     {"response_types_supported", boost::json::array{"code"}}});
  }

  std::chrono::system_clock::time_point now() const {
    return std::chrono::system_clock::time_point(std::chrono::seconds(kStartSeconds)) + advanced_;
  }

  boost::json::object claims() const {
    const auto seconds = std::chrono::duration_cast<std::chrono::seconds>(now().time_since_epoch()).count();
    return {{"iss", provider_.issuer_url}, {"sub", "sub-42"},    {"aud", provider_.client_id},
            {"exp", seconds + 300},        {"iat", seconds},     {"nonce", pending_.nonce},
            {"email", "Grace@Example.COM"}, {"email_verified", true}, {"name", "Grace Hopper"}};
  }

  // The id_token the token endpoint answers: `claims()` with `changes`, signed by `key` as `kid`.
  std::string id_token() const {
    boost::json::object payload = claims();
    for (const auto& [name, value] : claim_changes_) payload[name] = value;
    for (const auto& name : removed_claims_) payload.erase(name);
    return signing_key_->token({{"kid", kid_}}, payload);
  }

  PendingSsoLogin start() {
    auto pending = run_on(io_, client_.start(provider_, redirect_uri_));
    if (!pending) throw std::runtime_error(pending.error().message);
    pending_ = *pending;
    return *pending;
  }

  Expected<SsoIdentity> finish() { return run_on(io_, client_.finish(provider_, redirect_uri_, pending_, code_)); }

  asio::io_context io_;
  test::SsoTestServer server_{io_};
  upstream::UpstreamClient http_{io_};
  std::chrono::seconds advanced_{0};
  OidcClient client_{http_, OidcClientOptions{std::chrono::seconds(3600),
                                              upstream::UpstreamDeadlines::for_total(std::chrono::seconds(5)),
                                              std::chrono::seconds(60), [this] { return now(); }}};
  config::OidcProviderConfig provider_;
  std::string redirect_uri_ = "https://gateway.example.com/api/v1/auth/oidc/callback";
  std::string code_{kCode};
  PendingSsoLogin pending_;
  boost::json::value jwks_;
  std::function<std::string(const test::ReceivedRequest&)> token_answer_;
  const TestSigningKey* signing_key_ = &TestSigningKey::rsa();
  std::string kid_ = "k1";
  boost::json::object claim_changes_;
  std::vector<std::string> removed_claims_;
};

TEST_F(OidcClientTest, StartSendsTheBrowserToTheAuthorizationEndpointWithPkceStateAndNonce) {
  const PendingSsoLogin pending = start();
  EXPECT_EQ(pending.provider_kind, "oidc");
  EXPECT_EQ(pending.provider_key, "corp");
  EXPECT_EQ(pending.state.size(), 43u);
  EXPECT_EQ(pending.nonce.size(), 43u);
  EXPECT_EQ(pending.code_verifier.size(), 43u);
  EXPECT_NE(pending.state, pending.nonce);
  ASSERT_TRUE(pending.authorization_url.starts_with(server_.base_url() + "/authorize?"))
      << pending.authorization_url;
  const auto query = query_fields(pending.authorization_url);
  EXPECT_EQ(query.at("response_type"), "code");
  EXPECT_EQ(query.at("client_id"), "sluice client");
  EXPECT_EQ(query.at("redirect_uri"), redirect_uri_);
  EXPECT_EQ(query.at("scope"), "openid email profile");
  EXPECT_EQ(query.at("state"), pending.state);
  EXPECT_EQ(query.at("nonce"), pending.nonce);
  EXPECT_EQ(query.at("code_challenge"), pkce_challenge_s256(pending.code_verifier));
  EXPECT_EQ(query.at("code_challenge_method"), "S256");
  EXPECT_EQ(query.count("code_verifier"), 0u);
}

TEST_F(OidcClientTest, EveryStartHasFreshRandomValues) {
  const PendingSsoLogin first = start();
  const PendingSsoLogin second = start();
  EXPECT_NE(first.state, second.state);
  EXPECT_NE(first.nonce, second.nonce);
  EXPECT_NE(first.code_verifier, second.code_verifier);
}

TEST_F(OidcClientTest, FinishRedeemsTheCodeAndAnswersTheVerifiedIdentity) {
  start();
  const auto identity = finish();
  ASSERT_TRUE(identity) << identity.error().message;
  EXPECT_EQ(identity->subject, "sub-42");
  EXPECT_EQ(identity->email, "grace@example.com");
  EXPECT_TRUE(identity->email_verified);
  EXPECT_EQ(identity->name, "Grace Hopper");

  const auto* request = server_.last("/token");
  ASSERT_NE(request, nullptr);
  EXPECT_EQ(request->method(), boost::beast::http::verb::post);
  EXPECT_EQ((*request)[boost::beast::http::field::content_type], "application/x-www-form-urlencoded");
  // client_secret_basic: the form-encoded id and secret, base64 (RFC 6749 §2.3.1).
  EXPECT_EQ((*request)[boost::beast::http::field::authorization],
            "Basic " + std::string("c2x1aWNlJTIwY2xpZW50OnMzY3IlM0F0JTI2JTJCeA=="));
  const auto fields = form_fields(request->body());
  EXPECT_EQ(fields.at("grant_type"), "authorization_code");
  EXPECT_EQ(fields.at("code"), kCode);
  EXPECT_EQ(fields.at("redirect_uri"), redirect_uri_);
  EXPECT_EQ(fields.at("code_verifier"), pending_.code_verifier);
  EXPECT_EQ(fields.at("client_id"), "sluice client");
  EXPECT_EQ(fields.count("client_secret"), 0u);
}

TEST_F(OidcClientTest, AcceptsAnEs256IdToken) {
  jwks_ = boost::json::object{{"keys", boost::json::array{TestSigningKey::p256().jwk("ec")}}};
  signing_key_ = &TestSigningKey::p256();
  kid_ = "ec";
  start();
  const auto identity = finish();
  ASSERT_TRUE(identity) << identity.error().message;
}

TEST_F(OidcClientTest, CachesDiscoveryAndKeysUntilTheyAreAnHourOld) {
  start();
  ASSERT_TRUE(finish());
  start();
  ASSERT_TRUE(finish());
  EXPECT_EQ(server_.count("/.well-known/openid-configuration"), 1u);
  EXPECT_EQ(server_.count("/jwks"), 1u);

  advanced_ = std::chrono::seconds(3601);
  start();
  EXPECT_EQ(server_.count("/.well-known/openid-configuration"), 2u);
  EXPECT_EQ(server_.count("/jwks"), 2u);
}

TEST_F(OidcClientTest, FetchesTheKeysAgainWhenTheIdTokenNamesAnUnknownKid) {
  start();  // caches a JWKS with only k1
  jwks_ = boost::json::object{
      {"keys", boost::json::array{TestSigningKey::rsa().jwk("k1"), TestSigningKey::other_rsa().jwk("k2")}}};
  signing_key_ = &TestSigningKey::other_rsa();
  kid_ = "k2";
  const auto identity = finish();
  ASSERT_TRUE(identity) << identity.error().message;
  EXPECT_EQ(server_.count("/jwks"), 2u);
  EXPECT_EQ(server_.count("/.well-known/openid-configuration"), 1u);
}

TEST_F(OidcClientTest, FetchesTheKeysOnlyOnceMoreForAnUnknownKid) {
  start();
  kid_ = "never-published";
  const auto identity = finish();
  ASSERT_FALSE(identity);
  EXPECT_NE(identity.error().message.find("no RS256 key with kid `never-published`"), std::string::npos);
  EXPECT_EQ(server_.count("/jwks"), 2u);
}

TEST_F(OidcClientTest, RefusesADiscoveryDocumentForAnotherIssuer) {
  serve_discovery("https://impostor.example.com");
  const auto pending = run_on(io_, client_.start(provider_, redirect_uri_));
  ASSERT_FALSE(pending);
  EXPECT_EQ(pending.error().code, "sso_failed");
  EXPECT_NE(pending.error().message.find("names issuer `https://impostor.example.com`"), std::string::npos);
}

TEST_F(OidcClientTest, ToleratesATrailingSlashOnTheConfiguredIssuer) {
  provider_.issuer_url += "/";
  claim_changes_["iss"] = server_.base_url();  // id_tokens carry the discovery document's issuer
  start();
  const auto identity = finish();
  ASSERT_TRUE(identity) << identity.error().message;
}

TEST_F(OidcClientTest, RefusesADiscoveryDocumentWithoutEndpoints) {
  server_.on_json("/.well-known/openid-configuration", 200, {{"issuer", provider_.issuer_url}});
  const auto pending = run_on(io_, client_.start(provider_, redirect_uri_));
  ASSERT_FALSE(pending);
  EXPECT_NE(pending.error().message.find("authorization_endpoint"), std::string::npos);
}

TEST_F(OidcClientTest, ReportsAnUnreachableProvider) {
  provider_.issuer_url = "http://127.0.0.1:1";
  const auto pending = run_on(io_, client_.start(provider_, redirect_uri_));
  ASSERT_FALSE(pending);
  EXPECT_EQ(pending.error().code, "sso_failed");
  EXPECT_NE(pending.error().message.find("discovery document of provider `corp` could not be fetched"),
            std::string::npos);
}

TEST_F(OidcClientTest, ReportsTheTokenEndpointsRefusalWithoutTheCodeOrSecret) {
  start();
  token_answer_ = [](const test::ReceivedRequest&) {
    return json_response(400, {{"error", "invalid_grant"}, {"error_description", "code the-authorization-code is used"}});
  };
  const auto identity = finish();
  ASSERT_FALSE(identity);
  EXPECT_NE(identity.error().message.find("refused the authorization code: HTTP 400 invalid_grant"),
            std::string::npos)
      << identity.error().message;
  EXPECT_EQ(identity.error().message.find(kCode), std::string::npos);
  EXPECT_EQ(identity.error().message.find("s3cr"), std::string::npos);
}

TEST_F(OidcClientTest, RefusesATokenAnswerWithoutIdToken) {
  start();
  token_answer_ = [](const test::ReceivedRequest&) { return json_response(200, {{"access_token", "at"}}); };
  const auto identity = finish();
  ASSERT_FALSE(identity);
  EXPECT_NE(identity.error().message.find("no id_token"), std::string::npos);
}

TEST_F(OidcClientTest, RefusesAnIdTokenForAnotherLogin) {
  start();
  claim_changes_["nonce"] = "someone-elses-nonce";
  const auto identity = finish();
  ASSERT_FALSE(identity);
  EXPECT_NE(identity.error().message.find("nonce"), std::string::npos);
}

TEST_F(OidcClientTest, RefusesAnIdTokenForAnotherClient) {
  start();
  claim_changes_["aud"] = "another-app";
  ASSERT_FALSE(finish());
}

TEST_F(OidcClientTest, RefusesAnIdentityWithoutEmail) {
  start();
  removed_claims_ = {"email"};
  const auto identity = finish();
  ASSERT_FALSE(identity);
  EXPECT_NE(identity.error().message.find("did not share an email address"), std::string::npos);
}

TEST_F(OidcClientTest, RefusesAnEmailClaimThatIsNotAnAddress) {
  start();
  claim_changes_["email"] = "grace";
  const auto identity = finish();
  ASSERT_FALSE(identity);
  EXPECT_NE(identity.error().message.find("not an email address"), std::string::npos);
}

TEST_F(OidcClientTest, DoesNotFetchKeysForAnAlgorithmItRefusesAnyway) {
  start();
  token_answer_ = [](const test::ReceivedRequest&) {
    const std::string unsigned_token = base64url_encode(R"({"alg":"none"})") + "." + base64url_encode("{}") + ".";
    return json_response(200, {{"id_token", unsigned_token}});
  };
  const auto identity = finish();
  ASSERT_FALSE(identity);
  EXPECT_NE(identity.error().message.find("alg: none"), std::string::npos);
  EXPECT_EQ(server_.count("/jwks"), 1u);
}

TEST_F(OidcClientTest, RefusesAnEmailTheProviderSaysIsUnverified) {
  start();
  claim_changes_["email_verified"] = false;
  const auto identity = finish();
  ASSERT_FALSE(identity);
  EXPECT_NE(identity.error().message.find("not verified"), std::string::npos);
}

TEST_F(OidcClientTest, AcceptsAnEmailWithoutVerificationClaimButDoesNotCallItVerified) {
  start();
  removed_claims_ = {"email_verified", "name"};
  claim_changes_["given_name"] = "Grace";
  claim_changes_["family_name"] = "Hopper";
  const auto identity = finish();
  ASSERT_TRUE(identity) << identity.error().message;
  EXPECT_FALSE(identity->email_verified);
  EXPECT_EQ(identity->name, "Grace Hopper");
}

TEST_F(OidcClientTest, RefusesAPendingLoginOfAnotherProvider) {
  start();
  pending_.provider_key = "other";
  ASSERT_FALSE(finish());
  pending_.provider_key = "corp";
  pending_.provider_kind = "oauth";
  ASSERT_FALSE(finish());
  EXPECT_EQ(server_.count("/token"), 0u);
}

TEST_F(OidcClientTest, RefusesADisabledProvider) {
  provider_.enabled = false;
  const auto pending = run_on(io_, client_.start(provider_, redirect_uri_));
  ASSERT_FALSE(pending);
  EXPECT_NE(pending.error().message.find("disabled"), std::string::npos);
}

}  // namespace
}  // namespace sluice::sso
