#include "sso/GitHubOAuthClient.h"

#include "core/JsonMembers.h"
#include "sso/Pkce.h"
#include "sso/SsoHttp.h"
#include "upstream/UpstreamClient.h"

#include <fmt/format.h>

#include <algorithm>
#include <cstdlib>

namespace sluice::sso {
namespace {

using json_members::string_if;
using json_members::string_member;

std::string lower_cased(std::string_view text) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) {
    return static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
  });
  return out;
}

std::string joined_scopes(const std::vector<std::string>& scopes) {
  std::string out;
  for (const auto& scope : scopes) {
    if (!out.empty()) out += ' ';
    out += scope;
  }
  return out;
}

std::string environment_or(const char* name, std::string fallback) {
  const char* value = std::getenv(name);
  if (value == nullptr || *value == '\0') return fallback;
  return without_trailing_slash(value);
}

bool member_is_true(const boost::json::object& object, std::string_view key) {
  const boost::json::value* value = object.if_contains(key);
  return value != nullptr && value->is_bool() && value->get_bool();
}

}  // namespace

GitHubEndpoints GitHubEndpoints::from_environment() {
  GitHubEndpoints endpoints;
  endpoints.base_url = environment_or("SLUICE_GITHUB_BASE_URL", endpoints.base_url);
  endpoints.api_base_url = environment_or("SLUICE_GITHUB_API_BASE_URL", endpoints.api_base_url);
  return endpoints;
}

Expected<SsoIdentity> github_identity(const config::OAuthProviderConfig& provider, const boost::json::value& user,
                                      const boost::json::value& emails) {
  const auto* profile = user.if_object();
  if (profile == nullptr) return GatewayError::sso_failed("GitHub's /user answer is not a JSON object");
  SsoIdentity identity;
  const boost::json::value* id = profile->if_contains("id");
  if (id != nullptr && id->is_int64() && id->get_int64() > 0) {
    identity.subject = std::to_string(id->get_int64());
  } else if (id != nullptr && id->is_uint64()) {
    identity.subject = std::to_string(id->get_uint64());
  } else {
    return GatewayError::sso_failed("GitHub's /user answer has no numeric `id`");
  }
  identity.name = std::string(string_member(*profile, "name"));
  if (identity.name.empty()) identity.name = std::string(string_member(*profile, "login"));

  const auto* list = emails.if_array();
  if (list == nullptr) return GatewayError::sso_failed("GitHub's /user/emails answer is not a list");
  const boost::json::object* primary = nullptr;
  for (const auto& entry : *list) {
    const auto* email = entry.if_object();
    if (email != nullptr && member_is_true(*email, "primary") && string_if(*email, "email") != nullptr) {
      primary = email;
      break;
    }
  }
  if (primary == nullptr) {
    return GatewayError::sso_failed("the GitHub account has no primary email address (is the `user:email` scope "
                                    "granted?)");
  }
  identity.email = lower_cased(string_member(*primary, "email"));
  identity.email_verified = member_is_true(*primary, "verified");
  if (provider.sso_email_verification_enabled && !identity.email_verified) {
    return GatewayError::sso_failed("the GitHub account's primary email address is not verified");
  }
  const auto at = identity.email.rfind('@');
  if (at == std::string::npos || at == 0 || at + 1 == identity.email.size()) {
    return GatewayError::sso_failed("the GitHub account's primary email address is not an email address");
  }
  if (!provider.allowed_email_domains.empty()) {
    std::string domain = identity.email.substr(at + 1);
    if (domain.back() == '.') domain.pop_back();
    const auto& allowed = provider.allowed_email_domains;
    if (std::find(allowed.begin(), allowed.end(), domain) == allowed.end()) {
      return GatewayError::sso_failed(
          fmt::format("email domain `{}` is not allowed to sign in with `{}`", domain, provider.key));
    }
  }
  return identity;
}

GitHubOAuthClient::GitHubOAuthClient(upstream::UpstreamClient& http, GitHubEndpoints endpoints,
                                     upstream::UpstreamDeadlines deadlines)
    : http_(http), endpoints_(std::move(endpoints)), deadlines_(deadlines) {
  endpoints_.base_url = without_trailing_slash(endpoints_.base_url);
  endpoints_.api_base_url = without_trailing_slash(endpoints_.api_base_url);
}

boost::asio::awaitable<Expected<PendingSsoLogin>> GitHubOAuthClient::start(const config::OAuthProviderConfig& provider,
                                                                           const std::string& redirect_uri) {
  if (!provider.enabled) {
    co_return GatewayError::sso_failed(fmt::format("OAuth provider `{}` is disabled", provider.key));
  }
  PendingSsoLogin pending;
  pending.provider_kind = "oauth";
  pending.provider_key = provider.key;
  pending.state = random_url_token();
  pending.code_verifier = random_url_token();
  pending.authorization_url = with_query(endpoints_.base_url + "/login/oauth/authorize",
                                         {{"client_id", provider.client_id},
                                          {"redirect_uri", redirect_uri},
                                          {"scope", joined_scopes(provider.scopes)},
                                          {"state", pending.state},
                                          {"code_challenge", pkce_challenge_s256(pending.code_verifier)},
                                          {"code_challenge_method", "S256"}});
  co_return pending;
}

boost::asio::awaitable<Expected<SsoIdentity>> GitHubOAuthClient::finish(const config::OAuthProviderConfig& provider,
                                                                        const std::string& redirect_uri,
                                                                        const PendingSsoLogin& pending,
                                                                        const std::string& code) {
  if (!provider.enabled) {
    co_return GatewayError::sso_failed(fmt::format("OAuth provider `{}` is disabled", provider.key));
  }
  if (pending.provider_kind != "oauth" || pending.provider_key != provider.key) {
    co_return GatewayError::sso_failed(fmt::format("this login was not started with OAuth provider `{}`", provider.key));
  }
  if (pending.code_verifier.empty()) co_return GatewayError::sso_failed("the pending login has no PKCE verifier");
  if (code.empty()) co_return GatewayError::sso_failed("GitHub sent no authorization code");

  upstream::UpstreamRequest request;
  request.method = boost::beast::http::verb::post;
  request.url = endpoints_.base_url + "/login/oauth/access_token";
  request.headers = {{"Content-Type", "application/x-www-form-urlencoded"},
                     {"Accept", "application/json"},
                     {"User-Agent", "sluice"}};
  request.body = form_body({{"client_id", provider.client_id},
                            {"client_secret", provider.client_secret.reveal()},
                            {"code", code},
                            {"redirect_uri", redirect_uri},
                            {"code_verifier", pending.code_verifier}});
  const std::string what = fmt::format("GitHub's token endpoint (provider `{}`)", provider.key);
  auto answer = co_await send_for_json(http_, request, deadlines_, what);
  if (!answer) co_return answer.error();
  const std::string error = oauth_error_code(answer->body);
  const auto* token_answer = answer->body.if_object();
  const auto* access_token = token_answer != nullptr ? string_if(*token_answer, "access_token") : nullptr;
  if (answer->status != 200 || !error.empty() || access_token == nullptr || access_token->empty()) {
    co_return GatewayError::sso_failed(fmt::format("{} refused the authorization code: HTTP {}{}", what,
                                                   answer->status, error.empty() ? "" : " " + error));
  }
  const std::string token(*access_token);

  const std::string user_path = "/user";
  auto user = co_await api_get(provider, user_path, token);
  if (!user) co_return user.error();
  const std::string emails_path = "/user/emails";
  auto emails = co_await api_get(provider, emails_path, token);
  if (!emails) co_return emails.error();
  co_return github_identity(provider, *user, *emails);
}

boost::asio::awaitable<Expected<boost::json::value>> GitHubOAuthClient::api_get(
    const config::OAuthProviderConfig& provider, const std::string& path, const std::string& access_token) {
  upstream::UpstreamRequest request;
  request.method = boost::beast::http::verb::get;
  request.url = endpoints_.api_base_url + path;
  request.headers = {{"Accept", "application/vnd.github+json"},
                     {"Authorization", "Bearer " + access_token},
                     {"User-Agent", "sluice"},
                     {"X-GitHub-Api-Version", "2022-11-28"}};
  const std::string what = fmt::format("GitHub's {} (provider `{}`)", path, provider.key);
  auto answer = co_await send_for_json(http_, request, deadlines_, what);
  if (!answer) co_return answer.error();
  if (answer->status != 200) {
    co_return GatewayError::sso_failed(fmt::format("{} answered HTTP {}", what, answer->status));
  }
  co_return std::move(answer->body);
}

}  // namespace sluice::sso
