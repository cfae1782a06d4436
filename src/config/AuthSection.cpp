// `auth` (§3, strict): the bootstrap admin, OIDC and GitHub OAuth login; and `mcp` (§4, strict):
// OAuth towards upstream MCP servers. Both are OAuth clients, so they share the credential and
// scope checks below.
#include "config/SectionReaders.h"

#include <algorithm>
#include <set>

namespace sluice::config {

namespace {

constexpr std::string_view kMcpKeyVariable = "OCEANS_MCP_CREDENTIAL_ENCRYPTION_KEY";
constexpr std::size_t kMcpKeyBytes = 32;
constexpr std::string_view kGoogleAuthorizationUrl = "https://accounts.google.com/o/oauth2/v2/auth";
constexpr std::string_view kGoogleTokenUrl = "https://oauth2.googleapis.com/token";

// `scopes`: a non-empty list of valid scope tokens that includes `required_scope`.
void read_scopes(const ConfigNode& node, std::vector<std::string>& out, std::string_view subject,
                 std::string_view required_scope) {
  std::vector<std::string> scopes;
  if (!read_into(node, scopes)) return;
  if (scopes.empty()) {
    node.error(fmt::format("{} scopes cannot be empty", subject));
    return;
  }
  bool ok = true;
  for (const std::string& scope : scopes) {
    if (!is_oauth_scope(scope)) {
      node.error(fmt::format("{} has invalid scope `{}`", subject, scope));
      ok = false;
    }
  }
  if (std::find(scopes.begin(), scopes.end(), required_scope) == scopes.end()) {
    node.error(fmt::format("{} scopes must include `{}`", subject, required_scope));
    ok = false;
  }
  if (ok) out = std::move(scopes);
}

// A `public_base_url`: text or a reference, then an http(s) URL with a host.
std::optional<std::string> read_public_base_url(const ConfigNode& node, const ValueResolver& values,
                                                UrlSchemes schemes) {
  auto url = values.text(node);
  if (!url) return std::nullopt;
  if (!check_http_url(node, *url, node.path(), schemes)) return std::nullopt;
  return url;
}

JitConfig read_jit(const ConfigNode& node, const std::vector<TeamConfig>& teams,
                   std::string_view provider) {
  JitConfig jit;
  if (!node.expect_map()) return jit;
  node.check_keys({"enabled", "global_role", "membership", "request_logging_enabled"},
                  UnknownKeys::kWarn);
  const std::string subject = fmt::format("{} jit", provider);
  read_into(node.child("enabled"), jit.enabled);
  read_enum(node.child("global_role"), jit.global_role);
  read_into(node.child("request_logging_enabled"), jit.request_logging_enabled);
  const ConfigNode membership = node.child("membership");
  if (!membership.expect_map()) return jit;
  membership.check_keys({"team", "role"}, UnknownKeys::kWarn);
  TeamMembership assigned;
  const auto team = read_team_reference(membership.child("team"), teams, subject + " membership");
  const ConfigNode role = membership.child("role");
  if (!role.present()) role.missing();
  if (read_team_role(role, assigned.role, subject) && team) {
    assigned.team = *team;
    jit.membership = assigned;
  }
  return jit;
}

// The keys every login provider has: key (unique), label, client credentials, enabled, jit.
template <class Provider>
bool read_login_provider_common(const ConfigNode& node, const ValueResolver& values,
                                const std::vector<TeamConfig>& teams, std::string_view kind,
                                std::set<std::string>& seen_keys, Provider& provider) {
  const ConfigNode key = node.child("key");
  if (!read_non_empty(key, provider.key, fmt::format("{} provider key", kind))) return false;
  if (!seen_keys.insert(provider.key).second) {
    key.error(fmt::format("duplicate {} provider key `{}`", kind, provider.key));
  }
  const std::string subject = fmt::format("{} provider `{}`", kind, provider.key);
  const ConfigNode label = node.child("label");
  if (!label.present()) {
    label.error(fmt::format("{} label cannot be empty", subject));
  } else {
    read_non_empty(label, provider.label, subject + " label");
  }
  if (auto id = read_required_secret(node.child("client_id"), values, subject + " client_id")) {
    provider.client_id = id->reveal();
  }
  if (auto secret = read_required_secret(node.child("client_secret"), values, subject + " client_secret")) {
    provider.client_secret = std::move(*secret);
  }
  read_into(node.child("enabled"), provider.enabled);
  provider.jit = read_jit(node.child("jit"), teams, subject);
  return true;
}

std::optional<OidcProviderConfig> read_oidc_provider(const ConfigNode& node,
                                                     const ValueResolver& values,
                                                     const std::vector<TeamConfig>& teams,
                                                     std::set<std::string>& seen_keys) {
  if (!node.expect_map()) return std::nullopt;
  node.check_keys({"key", "label", "issuer_url", "client_id", "client_secret", "scopes", "enabled",
                   "jit"},
                  UnknownKeys::kWarn);
  OidcProviderConfig provider;
  if (!read_login_provider_common(node, values, teams, "oidc", seen_keys, provider)) return std::nullopt;
  const std::string subject = fmt::format("oidc provider `{}`", provider.key);
  const ConfigNode issuer = node.child("issuer_url");
  if (read_required(issuer, provider.issuer_url)) {
    check_http_url(issuer, provider.issuer_url, subject + " issuer_url", UrlSchemes::kHttpOrHttps);
  }
  read_scopes(node.child("scopes"), provider.scopes, subject, "openid");
  return provider;
}

void read_allowed_email_domains(const ConfigNode& node, std::vector<std::string>& out,
                                std::string_view subject) {
  std::vector<std::string> written;
  if (!read_into(node, written)) return;
  const auto items = node.items();
  for (std::size_t i = 0; i < written.size(); ++i) {
    std::string why;
    auto domain = normalize_email_domain(written[i], why);
    if (!domain) {
      items[i].error(fmt::format("{} allowed_email_domains entry `{}` {}", subject, written[i], why));
    } else if (std::find(out.begin(), out.end(), *domain) != out.end()) {
      items[i].error(fmt::format("{} allowed_email_domains lists `{}` twice", subject, *domain));
    } else {
      out.push_back(std::move(*domain));
    }
  }
}

std::optional<OAuthProviderConfig> read_oauth_provider(const ConfigNode& node,
                                                       const ValueResolver& values,
                                                       const std::vector<TeamConfig>& teams,
                                                       std::set<std::string>& seen_keys) {
  if (!node.expect_map()) return std::nullopt;
  node.check_keys({"key", "label", "provider_type", "client_id", "client_secret", "scopes",
                   "sso_email_verification_enabled", "allowed_email_domains", "enabled", "jit"},
                  UnknownKeys::kWarn);
  OAuthProviderConfig provider;
  if (!read_login_provider_common(node, values, teams, "oauth", seen_keys, provider)) return std::nullopt;
  const std::string subject = fmt::format("oauth provider `{}`", provider.key);
  const ConfigNode type = node.child("provider_type");
  if (read_into(type, provider.provider_type) && provider.provider_type != "github") {
    type.error(fmt::format("{} provider_type `{}` is not supported; only github is",
                           subject, provider.provider_type));
  }
  read_scopes(node.child("scopes"), provider.scopes, subject, "user:email");
  read_into(node.child("sso_email_verification_enabled"), provider.sso_email_verification_enabled);
  read_allowed_email_domains(node.child("allowed_email_domains"), provider.allowed_email_domains,
                             subject);
  return provider;
}

BootstrapAdminConfig read_bootstrap_admin(const ConfigNode& node, const ValueResolver& values) {
  BootstrapAdminConfig admin;
  if (!node.expect_map()) return admin;
  node.check_keys({"enabled", "email", "password", "require_password_change"}, UnknownKeys::kWarn);
  read_into(node.child("enabled"), admin.enabled);
  const ConfigNode email = node.child("email");
  std::string written;
  if (read_into(email, written)) {
    admin.email = normalize_email(written);
    if (!is_valid_email(admin.email)) {
      email.error(fmt::format("bootstrap_admin.email must be a valid email address, got `{}`", written));
    }
  }
  if (auto password = values.secret(node.child("password"))) admin.password = std::move(*password);
  read_into(node.child("require_password_change"), admin.require_password_change);
  return admin;
}

OidcConfig read_oidc(const ConfigNode& node, const ValueResolver& values,
                     const std::vector<TeamConfig>& teams) {
  OidcConfig oidc;
  if (!node.expect_map()) return oidc;
  node.check_keys({"public_base_url", "providers"}, UnknownKeys::kWarn);
  oidc.public_base_url = read_public_base_url(node.child("public_base_url"), values,
                                              UrlSchemes::kHttpOrHttps);
  std::set<std::string> seen_keys;
  for (const ConfigNode& item : node.child("providers").items()) {
    if (auto provider = read_oidc_provider(item, values, teams, seen_keys)) {
      oidc.providers.push_back(std::move(*provider));
    }
  }
  return oidc;
}

OAuthConfig read_oauth(const ConfigNode& node, const ValueResolver& values,
                       const std::vector<TeamConfig>& teams) {
  OAuthConfig oauth;
  if (!node.expect_map()) return oauth;
  node.check_keys({"public_base_url", "providers"}, UnknownKeys::kWarn);
  const ConfigNode base_url = node.child("public_base_url");
  oauth.public_base_url = read_public_base_url(base_url, values, UrlSchemes::kHttpOrHttps);
  std::set<std::string> seen_keys;
  for (const ConfigNode& item : node.child("providers").items()) {
    if (auto provider = read_oauth_provider(item, values, teams, seen_keys)) {
      oauth.providers.push_back(std::move(*provider));
    }
  }
  const bool any_enabled = std::any_of(oauth.providers.begin(), oauth.providers.end(),
                                       [](const OAuthProviderConfig& p) { return p.enabled; });
  if (any_enabled && !base_url.present()) {
    base_url.error("auth.oauth.public_base_url is required when an oauth provider is enabled");
  }
  return oauth;
}

std::optional<McpOAuthProviderConfig> read_mcp_provider(const ConfigNode& node,
                                                        const ValueResolver& values,
                                                        std::set<std::string>& seen_keys) {
  if (!node.expect_map()) return std::nullopt;
  node.check_keys({"key", "provider_type", "client_id", "client_secret", "authorization_url",
                   "token_url"},
                  UnknownKeys::kReject);
  McpOAuthProviderConfig provider;
  const ConfigNode key_node = node.child("key");
  if (!read_non_empty(key_node, provider.key, "MCP OAuth provider key")) return std::nullopt;
  if (!seen_keys.insert(provider.key).second) {
    key_node.error(fmt::format("duplicate MCP OAuth provider key `{}`", provider.key));
  }
  const std::string subject = fmt::format("MCP OAuth provider `{}`", provider.key);
  const ConfigNode type = node.child("provider_type");
  if (read_into(type, provider.provider_type) && provider.provider_type != "google") {
    type.error(fmt::format("{} provider_type `{}` is not supported; only google is", subject,
                           provider.provider_type));
  }
  if (auto id = read_required_secret(node.child("client_id"), values, subject + " client_id")) {
    provider.client_id = id->reveal();
  }
  if (auto secret = read_required_secret(node.child("client_secret"), values, subject + " client_secret")) {
    provider.client_secret = std::move(*secret);
  }
  // The reference pins both endpoints: the keys exist, but only Google's own URLs are accepted.
  const auto read_pinned_url = [&](std::string_view key, std::string& out, std::string_view pinned) {
    const ConfigNode url = node.child(key);
    if (read_into(url, out) && out != pinned) {
      url.error(fmt::format("{} {} must be {}", subject, key, pinned));
    }
  };
  read_pinned_url("authorization_url", provider.authorization_url, kGoogleAuthorizationUrl);
  read_pinned_url("token_url", provider.token_url, kGoogleTokenUrl);
  return provider;
}

// An https origin: scheme, host and optional port; nothing after it.
std::optional<std::string> read_https_origin(const ConfigNode& node, const ValueResolver& values) {
  auto url = values.text(node);
  if (!url) return std::nullopt;
  const auto parts = check_http_url(node, *url, node.path(), UrlSchemes::kHttpsOnly);
  if (!parts) return std::nullopt;
  if (parts->has_userinfo || parts->has_query || parts->has_fragment ||
      !(parts->path.empty() || parts->path == "/")) {
    node.error(fmt::format("{} `{}` must be an https origin without user info, path, query or "
                           "fragment",
                           node.path(), *url));
    return std::nullopt;
  }
  return url;
}

void check_mcp_encryption_key(const ConfigNode& providers, const ValueResolver& values) {
  const auto key = values.environment(kMcpKeyVariable);
  if (!key) {
    providers.error(fmt::format("required environment variable `{}` is not set (needed when "
                                "mcp.oauth.providers is not empty)",
                                kMcpKeyVariable));
  } else if (base64_decoded_size(*key) != kMcpKeyBytes) {
    providers.error(fmt::format("environment variable `{}` must be base64 of {} bytes",
                                kMcpKeyVariable, kMcpKeyBytes));
  }
}

}  // namespace

AuthConfig read_auth(const ConfigNode& node, const ValueResolver& values,
                     const std::vector<TeamConfig>& teams) {
  AuthConfig auth;
  if (!node.expect_map()) return auth;
  node.check_keys({"bootstrap_admin", "oidc", "oauth", "seed_api_keys"}, UnknownKeys::kReject);
  const ConfigNode legacy = node.child("seed_api_keys");
  if (legacy.yaml().IsDefined()) {
    legacy.error("auth.seed_api_keys is no longer supported: configure caller keys as "
                 "service_accounts[].keys[] and the first admin as auth.bootstrap_admin");
  }
  auth.bootstrap_admin = read_bootstrap_admin(node.child("bootstrap_admin"), values);
  auth.oidc = read_oidc(node.child("oidc"), values, teams);
  auth.oauth = read_oauth(node.child("oauth"), values, teams);
  return auth;
}

McpConfig read_mcp(const ConfigNode& node, const ValueResolver& values) {
  McpConfig mcp;
  if (!node.expect_map()) return mcp;
  node.check_keys({"oauth"}, UnknownKeys::kReject);
  const ConfigNode oauth = node.child("oauth");
  if (!oauth.expect_map()) return mcp;
  oauth.check_keys({"public_base_url", "providers"}, UnknownKeys::kReject);
  const ConfigNode base_url = oauth.child("public_base_url");
  mcp.oauth.public_base_url = read_https_origin(base_url, values);
  const ConfigNode providers = oauth.child("providers");
  const std::vector<ConfigNode> items = providers.items();
  std::set<std::string> seen_keys;
  for (const ConfigNode& item : items) {
    if (auto provider = read_mcp_provider(item, values, seen_keys)) {
      mcp.oauth.providers.push_back(std::move(*provider));
    }
  }
  if (!items.empty()) {
    if (!base_url.present()) {
      base_url.error("mcp.oauth.public_base_url is required when a provider is configured");
    }
    check_mcp_encryption_key(providers, values);
  }
  return mcp;
}

}  // namespace sluice::config
