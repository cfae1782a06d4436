// GitHubOAuthClient against an in-process GitHub: the authorization URL, the code exchange, the
// /user and /user/emails calls, and the provider's email rules.
#include "sso/GitHubOAuthClient.h"

#include "sso/Pkce.h"
#include "upstream/UpstreamClient.h"

#include "SsoTestServer.h"

#include <gtest/gtest.h>

#include <cstdlib>

namespace sluice::sso {
namespace {

namespace asio = boost::asio;
using test::form_fields;
using test::json_response;
using test::query_fields;
using test::run_on;

constexpr std::string_view kCode = "gh-code-123";
constexpr std::string_view kAccessToken = "gho_accesstoken";

class GitHubOAuthClientTest : public ::testing::Test {
 protected:
  GitHubOAuthClientTest() {
    provider_.key = "github";
    provider_.label = "GitHub";
    provider_.client_id = "Iv1.client";
    provider_.client_secret = config::Secret("gh-secret");
    server_.on("/login/oauth/access_token", [this](const test::ReceivedRequest& request) {
      return token_answer_(request);
    });
    token_answer_ = [](const test::ReceivedRequest&) {
      return json_response(200, {{"access_token", kAccessToken}, {"token_type", "bearer"}, {"scope", "read:user,user:email"}});
    };
    server_.on("/api/user", [this](const test::ReceivedRequest&) { return json_response(200, user_); });
    server_.on("/api/user/emails", [this](const test::ReceivedRequest&) { return json_response(200, emails_); });
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
  GitHubOAuthClient client_{http_, GitHubEndpoints{server_.base_url(), server_.base_url() + "/api/"}};
  config::OAuthProviderConfig provider_;
  std::string redirect_uri_ = "https://gateway.example.com/api/v1/auth/oauth/callback/github";
  std::string code_{kCode};
  PendingSsoLogin pending_;
  std::function<std::string(const test::ReceivedRequest&)> token_answer_;
  boost::json::value user_ = {{"id", 583231}, {"login", "octocat"}, {"name", "The Octocat"}, {"email", nullptr}};
  boost::json::value emails_ = boost::json::array{
      {{"email", "octo@users.noreply.github.com"}, {"primary", false}, {"verified", true}, {"visibility", nullptr}},
      {{"email", "Octocat@GitHub.com"}, {"primary", true}, {"verified", true}, {"visibility", "public"}}};
};

TEST_F(GitHubOAuthClientTest, StartSendsTheBrowserToGitHubWithStateAndPkce) {
  const PendingSsoLogin pending = start();
  EXPECT_EQ(pending.provider_kind, "oauth");
  EXPECT_EQ(pending.provider_key, "github");
  EXPECT_EQ(pending.state.size(), 43u);
  EXPECT_TRUE(pending.nonce.empty());
  ASSERT_TRUE(pending.authorization_url.starts_with(server_.base_url() + "/login/oauth/authorize?"))
      << pending.authorization_url;
  const auto query = query_fields(pending.authorization_url);
  EXPECT_EQ(query.at("client_id"), "Iv1.client");
  EXPECT_EQ(query.at("redirect_uri"), redirect_uri_);
  EXPECT_EQ(query.at("scope"), "read:user user:email");
  EXPECT_EQ(query.at("state"), pending.state);
  EXPECT_EQ(query.at("code_challenge"), pkce_challenge_s256(pending.code_verifier));
  EXPECT_EQ(query.at("code_challenge_method"), "S256");
}

TEST_F(GitHubOAuthClientTest, FinishExchangesTheCodeAndReadsThePrimaryEmail) {
  start();
  const auto identity = finish();
  ASSERT_TRUE(identity) << identity.error().message;
  EXPECT_EQ(identity->subject, "583231");
  EXPECT_EQ(identity->email, "octocat@github.com");
  EXPECT_TRUE(identity->email_verified);
  EXPECT_EQ(identity->name, "The Octocat");

  const auto* exchange = server_.last("/login/oauth/access_token");
  ASSERT_NE(exchange, nullptr);
  EXPECT_EQ(exchange->method(), boost::beast::http::verb::post);
  EXPECT_EQ((*exchange)[boost::beast::http::field::accept], "application/json");
  const auto fields = form_fields(exchange->body());
  EXPECT_EQ(fields.at("client_id"), "Iv1.client");
  EXPECT_EQ(fields.at("client_secret"), "gh-secret");
  EXPECT_EQ(fields.at("code"), kCode);
  EXPECT_EQ(fields.at("redirect_uri"), redirect_uri_);
  EXPECT_EQ(fields.at("code_verifier"), pending_.code_verifier);

  for (const std::string path : {"/api/user", "/api/user/emails"}) {
    const auto* call = server_.last(path);
    ASSERT_NE(call, nullptr) << path;
    EXPECT_EQ(call->method(), boost::beast::http::verb::get);
    EXPECT_EQ((*call)[boost::beast::http::field::authorization], "Bearer " + std::string(kAccessToken));
    EXPECT_EQ((*call)[boost::beast::http::field::user_agent], "sluice");
    EXPECT_EQ((*call)[boost::beast::http::field::accept], "application/vnd.github+json");
  }
}

TEST_F(GitHubOAuthClientTest, UsesTheLoginWhenTheAccountHasNoName) {
  user_.as_object()["name"] = nullptr;
  start();
  const auto identity = finish();
  ASSERT_TRUE(identity) << identity.error().message;
  EXPECT_EQ(identity->name, "octocat");
}

TEST_F(GitHubOAuthClientTest, RefusesABadCodeThatGitHubAnswersWith200) {
  token_answer_ = [](const test::ReceivedRequest&) {
    return json_response(200, {{"error", "bad_verification_code"},
                               {"error_description", "The code passed is incorrect or expired."}});
  };
  start();
  const auto identity = finish();
  ASSERT_FALSE(identity);
  EXPECT_EQ(identity.error().code, "sso_failed");
  EXPECT_NE(identity.error().message.find("HTTP 200 bad_verification_code"), std::string::npos)
      << identity.error().message;
  EXPECT_EQ(identity.error().message.find(kCode), std::string::npos);
  EXPECT_EQ(identity.error().message.find("gh-secret"), std::string::npos);
  EXPECT_EQ(server_.count("/api/user"), 0u);
}

TEST_F(GitHubOAuthClientTest, RefusesAnUnverifiedPrimaryEmailWhenVerificationIsRequired) {
  emails_.as_array()[1].as_object()["verified"] = false;
  start();
  const auto identity = finish();
  ASSERT_FALSE(identity);
  EXPECT_NE(identity.error().message.find("not verified"), std::string::npos);
}

TEST_F(GitHubOAuthClientTest, AcceptsAnUnverifiedPrimaryEmailWhenVerificationIsOff) {
  emails_.as_array()[1].as_object()["verified"] = false;
  provider_.sso_email_verification_enabled = false;
  start();
  const auto identity = finish();
  ASSERT_TRUE(identity) << identity.error().message;
  EXPECT_FALSE(identity->email_verified);
}

TEST_F(GitHubOAuthClientTest, RefusesAnAccountWithoutPrimaryEmail) {
  emails_.as_array()[1].as_object()["primary"] = false;
  start();
  const auto identity = finish();
  ASSERT_FALSE(identity);
  EXPECT_NE(identity.error().message.find("no primary email"), std::string::npos);
}

TEST_F(GitHubOAuthClientTest, AllowsOnlyTheListedEmailDomains) {
  provider_.allowed_email_domains = {"example.com", "github.com"};
  start();
  ASSERT_TRUE(finish());

  provider_.allowed_email_domains = {"example.com", "hub.com"};  // exact match: no suffixes
  start();
  const auto identity = finish();
  ASSERT_FALSE(identity);
  EXPECT_NE(identity.error().message.find("email domain `github.com` is not allowed"), std::string::npos);
}

TEST_F(GitHubOAuthClientTest, RefusesWhenTheApiRefuses) {
  server_.on_json("/api/user/emails", 403, {{"message", "Resource not accessible by integration"}});
  start();
  const auto identity = finish();
  ASSERT_FALSE(identity);
  EXPECT_NE(identity.error().message.find("/user/emails (provider `github`) answered HTTP 403"), std::string::npos)
      << identity.error().message;
}

TEST_F(GitHubOAuthClientTest, RefusesAPendingLoginOfAnotherProvider) {
  start();
  pending_.provider_kind = "oidc";
  ASSERT_FALSE(finish());
  EXPECT_EQ(server_.count("/login/oauth/access_token"), 0u);
}

TEST(GitHubEndpoints, DefaultToGitHubDotComAndHonourTheEnvironment) {
  ::unsetenv("SLUICE_GITHUB_BASE_URL");
  ::unsetenv("SLUICE_GITHUB_API_BASE_URL");
  const auto defaults = GitHubEndpoints::from_environment();
  EXPECT_EQ(defaults.base_url, "https://github.com");
  EXPECT_EQ(defaults.api_base_url, "https://api.github.com");

  ::setenv("SLUICE_GITHUB_BASE_URL", "https://ghe.example.com/", 1);
  ::setenv("SLUICE_GITHUB_API_BASE_URL", "https://ghe.example.com/api/v3", 1);
  const auto enterprise = GitHubEndpoints::from_environment();
  ::unsetenv("SLUICE_GITHUB_BASE_URL");
  ::unsetenv("SLUICE_GITHUB_API_BASE_URL");
  EXPECT_EQ(enterprise.base_url, "https://ghe.example.com");
  EXPECT_EQ(enterprise.api_base_url, "https://ghe.example.com/api/v3");
}

}  // namespace
}  // namespace sluice::sso
