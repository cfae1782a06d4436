#include "sso/OidcClient.h"

#include "core/JsonMembers.h"
#include "sso/Jwt.h"
#include "sso/Pkce.h"
#include "sso/SsoHttp.h"
#include "upstream/UpstreamClient.h"

#include <fmt/format.h>

#include <algorithm>

namespace sluice::sso {
namespace {

using json_members::string_if;
using json_members::string_member;

constexpr std::string_view kDiscoveryPath = "/.well-known/openid-configuration";

bool is_http_url(std::string_view url) {
  return (url.starts_with("https://") && url.size() > 8) || (url.starts_with("http://") && url.size() > 7);
}

std::string lower_cased(std::string_view text) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) {
    return static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
  });
  return out;
}

std::string trimmed(std::string_view text) {
  const auto first = text.find_first_not_of(" \t\r\n");
  if (first == std::string_view::npos) return {};
  const auto last = text.find_last_not_of(" \t\r\n");
  return std::string(text.substr(first, last - first + 1));
}

std::string joined_scopes(const std::vector<std::string>& scopes) {
  std::string out;
  for (const auto& scope : scopes) {
    if (!out.empty()) out += ' ';
    out += scope;
  }
  return out;
}

upstream::UpstreamRequest json_get(std::string url) {
  upstream::UpstreamRequest request;
  request.method = boost::beast::http::verb::get;
  request.url = std::move(url);
  request.headers = {{"Accept", "application/json"}};
  return request;
}

}  // namespace

Expected<OidcProviderMetadata> read_discovery_document(const boost::json::value& document,
                                                       const std::string& configured_issuer) {
  const auto* object = document.if_object();
  if (object == nullptr) return GatewayError::sso_failed("the OIDC discovery document is not a JSON object");
  OidcProviderMetadata metadata;
  metadata.issuer = std::string(string_member(*object, "issuer"));
  if (metadata.issuer.empty()) return GatewayError::sso_failed("the OIDC discovery document has no `issuer`");
  if (without_trailing_slash(metadata.issuer) != without_trailing_slash(configured_issuer)) {
    return GatewayError::sso_failed(
        fmt::format("the OIDC discovery document names issuer `{}`, not the configured `{}`",
                    metadata.issuer.substr(0, 200), configured_issuer));
  }
  const std::pair<const char*, std::string*> endpoints[] = {
      {"authorization_endpoint", &metadata.authorization_endpoint},
      {"token_endpoint", &metadata.token_endpoint},
      {"jwks_uri", &metadata.jwks_uri}};
  for (const auto& [name, target] : endpoints) {
    *target = std::string(string_member(*object, name));
    if (!is_http_url(*target)) {
      return GatewayError::sso_failed(fmt::format("the OIDC discovery document has no http(s) `{}`", name));
    }
  }
  return metadata;
}

Expected<SsoIdentity> identity_from_id_token_claims(const boost::json::object& claims) {
  SsoIdentity identity;
  identity.subject = std::string(string_member(claims, "sub"));
  if (identity.subject.empty()) return GatewayError::sso_failed("the id_token has no `sub`");
  identity.email = lower_cased(trimmed(string_member(claims, "email")));
  if (identity.email.empty()) {
    return GatewayError::sso_failed("the identity provider did not share an email address (is the `email` scope "
                                    "granted?)");
  }
  const auto at = identity.email.rfind('@');
  if (at == std::string::npos || at == 0 || at + 1 == identity.email.size()) {
    return GatewayError::sso_failed("the id_token's `email` is not an email address");
  }
  if (const boost::json::value* verified = claims.if_contains("email_verified")) {
    // Some providers write the boolean as a string.
    if (verified->is_bool()) {
      identity.email_verified = verified->get_bool();
    } else if (verified->is_string() && (verified->get_string() == "true" || verified->get_string() == "false")) {
      identity.email_verified = verified->get_string() == "true";
    } else {
      return GatewayError::sso_failed("the id_token's `email_verified` is not a boolean");
    }
    if (!identity.email_verified) {
      return GatewayError::sso_failed("the identity provider says the email address is not verified");
    }
  }
  identity.name = trimmed(string_member(claims, "name"));
  if (identity.name.empty()) {
    identity.name = trimmed(fmt::format("{} {}", string_member(claims, "given_name"), string_member(claims, "family_name")));
  }
  return identity;
}

OidcClient::OidcClient(upstream::UpstreamClient& http, OidcClientOptions options)
    : http_(http), options_(std::move(options)) {}

boost::asio::awaitable<Expected<PendingSsoLogin>> OidcClient::start(const config::OidcProviderConfig& provider,
                                                                    const std::string& redirect_uri) {
  if (!provider.enabled) {
    co_return GatewayError::sso_failed(fmt::format("OIDC provider `{}` is disabled", provider.key));
  }
  auto keys = co_await provider_keys(provider, false);
  if (!keys) co_return keys.error();

  PendingSsoLogin pending;
  pending.provider_kind = "oidc";
  pending.provider_key = provider.key;
  pending.state = random_url_token();
  pending.nonce = random_url_token();
  pending.code_verifier = random_url_token();
  pending.authorization_url = with_query((*keys)->metadata.authorization_endpoint,
                                         {{"response_type", "code"},
                                          {"client_id", provider.client_id},
                                          {"redirect_uri", redirect_uri},
                                          {"scope", joined_scopes(provider.scopes)},
                                          {"state", pending.state},
                                          {"nonce", pending.nonce},
                                          {"code_challenge", pkce_challenge_s256(pending.code_verifier)},
                                          {"code_challenge_method", "S256"}});
  co_return pending;
}

boost::asio::awaitable<Expected<SsoIdentity>> OidcClient::finish(const config::OidcProviderConfig& provider,
                                                                 const std::string& redirect_uri,
                                                                 const PendingSsoLogin& pending,
                                                                 const std::string& code) {
  if (!provider.enabled) {
    co_return GatewayError::sso_failed(fmt::format("OIDC provider `{}` is disabled", provider.key));
  }
  if (pending.provider_kind != "oidc" || pending.provider_key != provider.key) {
    co_return GatewayError::sso_failed(fmt::format("this login was not started with OIDC provider `{}`", provider.key));
  }
  if (pending.nonce.empty() || pending.code_verifier.empty()) {
    co_return GatewayError::sso_failed("the pending login has no nonce or PKCE verifier");
  }
  if (code.empty()) co_return GatewayError::sso_failed("the identity provider sent no authorization code");
  auto keys = co_await provider_keys(provider, false);
  if (!keys) co_return keys.error();

  // Redeem the code.
  upstream::UpstreamRequest request;
  request.method = boost::beast::http::verb::post;
  request.url = (*keys)->metadata.token_endpoint;
  request.headers = {{"Content-Type", "application/x-www-form-urlencoded"},
                     {"Accept", "application/json"},
                     {"Authorization", basic_client_authorization(provider.client_id, provider.client_secret.reveal())}};
  request.body = form_body({{"grant_type", "authorization_code"},
                            {"code", code},
                            {"redirect_uri", redirect_uri},
                            {"code_verifier", pending.code_verifier},
                            {"client_id", provider.client_id}});
  const std::string what = fmt::format("the token endpoint of OIDC provider `{}`", provider.key);
  auto answer = co_await send_for_json(http_, request, options_.deadlines, what);
  if (!answer) co_return answer.error();
  if (answer->status != 200) {
    const std::string error = oauth_error_code(answer->body);
    co_return GatewayError::sso_failed(fmt::format("{} refused the authorization code: HTTP {}{}", what,
                                                   answer->status, error.empty() ? "" : " " + error));
  }
  const auto* token_answer = answer->body.if_object();
  const auto* id_token = token_answer != nullptr ? string_if(*token_answer, "id_token") : nullptr;
  if (id_token == nullptr) co_return GatewayError::sso_failed(fmt::format("{} answered no id_token", what));

  // Verify the id_token; a key the cached JWKS does not have sends us to fetch it once more.
  auto jws = parse_jws(*id_token);
  if (!jws) co_return jws.error();
  if (is_supported_jws_alg(jws->alg) && find_signing_key((*keys)->jwks, *jws) == nullptr) {
    auto refreshed = co_await provider_keys(provider, true);
    if (!refreshed) co_return refreshed.error();
    keys = std::move(refreshed);
  }
  if (auto failure = verify_jws_signature(*jws, (*keys)->jwks)) co_return *failure;
  IdTokenExpectations expected;
  expected.issuer = (*keys)->metadata.issuer;
  expected.client_id = provider.client_id;
  expected.nonce = pending.nonce;
  expected.now = options_.now();
  expected.leeway = options_.leeway;
  auto claims = check_id_token_claims(jws->payload, expected);
  if (!claims) co_return claims.error();
  co_return identity_from_id_token_claims(*claims);
}

boost::asio::awaitable<Expected<OidcClient::ProviderKeysPtr>> OidcClient::provider_keys(
    const config::OidcProviderConfig& provider, bool refresh_jwks) {
  const std::string issuer = provider.issuer_url;  // the cache key; `provider` may change meanwhile
  const auto now = options_.now();
  ProviderKeysPtr cached;
  if (auto found = cache_.find(issuer); found != cache_.end()) cached = found->second;
  const bool fresh = cached && now - cached->fetched_at < options_.metadata_ttl;
  if (fresh && !refresh_jwks) co_return cached;

  auto keys = std::make_shared<ProviderKeys>();
  if (fresh) {
    keys->metadata = cached->metadata;  // only the key set is refetched
    keys->fetched_at = cached->fetched_at;
  } else {
    auto metadata = co_await discover(provider);
    if (!metadata) co_return metadata.error();
    keys->metadata = std::move(*metadata);
    keys->fetched_at = now;
  }
  auto jwks = co_await fetch_jwks(provider, keys->metadata.jwks_uri);
  if (!jwks) co_return jwks.error();
  keys->jwks = std::move(*jwks);
  ProviderKeysPtr stored = std::move(keys);
  cache_[issuer] = stored;
  co_return stored;
}

boost::asio::awaitable<Expected<OidcProviderMetadata>> OidcClient::discover(const config::OidcProviderConfig& provider) {
  const upstream::UpstreamRequest request = json_get(without_trailing_slash(provider.issuer_url) + std::string(kDiscoveryPath));
  const std::string what = fmt::format("the OIDC discovery document of provider `{}`", provider.key);
  auto answer = co_await send_for_json(http_, request, options_.deadlines, what);
  if (!answer) co_return answer.error();
  if (answer->status != 200) {
    co_return GatewayError::sso_failed(fmt::format("{} answered HTTP {}", what, answer->status));
  }
  co_return read_discovery_document(answer->body, provider.issuer_url);
}

boost::asio::awaitable<Expected<boost::json::value>> OidcClient::fetch_jwks(const config::OidcProviderConfig& provider,
                                                                           const std::string& jwks_uri) {
  const upstream::UpstreamRequest request = json_get(jwks_uri);
  const std::string what = fmt::format("the JWKS of OIDC provider `{}`", provider.key);
  auto answer = co_await send_for_json(http_, request, options_.deadlines, what);
  if (!answer) co_return answer.error();
  if (answer->status != 200) {
    co_return GatewayError::sso_failed(fmt::format("{} answered HTTP {}", what, answer->status));
  }
  const auto* object = answer->body.if_object();
  if (object == nullptr || json_members::array_member(*object, "keys") == nullptr) {
    co_return GatewayError::sso_failed(fmt::format("{} has no `keys` list", what));
  }
  co_return std::move(answer->body);
}

}  // namespace sluice::sso
