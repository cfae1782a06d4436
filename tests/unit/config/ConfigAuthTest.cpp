// `auth` (§3): bootstrap admin, OIDC, GitHub OAuth; and `mcp.oauth` (§4).
#include "ConfigTestSupport.h"

namespace sluice::config::testing {
namespace {

// ---- bootstrap admin

TEST(ConfigBootstrapAdmin, EmailMustBeValid) {
  EXPECT_TRUE(HasError(load("auth:\n  bootstrap_admin:\n    email: not-an-email\n"),
                       "auth.bootstrap_admin.email",
                       "bootstrap_admin.email must be a valid email address"));
}

TEST(ConfigBootstrapAdmin, EmailIsNormalized) {
  const auto result = load("auth:\n  bootstrap_admin:\n    email: \" Ops@Example.COM \"\n");
  ASSERT_TRUE(Loads(result));
  EXPECT_EQ(result.config->auth.bootstrap_admin.email, "ops@example.com");
}

TEST(ConfigBootstrapAdmin, PasswordIsASecretReference) {
  EXPECT_TRUE(HasError(load("auth:\n  bootstrap_admin:\n    password: hunter2\n"),
                       "auth.bootstrap_admin.password", "unsupported secret reference"));
  const auto result = load("auth:\n  bootstrap_admin:\n    password: env.PW\n", {{"PW", "s3cret"}});
  ASSERT_TRUE(Loads(result));
  EXPECT_EQ(result.config->auth.bootstrap_admin.password.reveal(), "s3cret");
}

// ---- OIDC

constexpr std::string_view kOidc = R"(
teams: [{ id: platform, name: Platform }]
auth:
  oidc:
    public_base_url: https://gw.example.com
    providers:
      - key: corp
        label: Corp
        issuer_url: https://sso.example.com/
        client_id: literal.sluice
        client_secret: literal.secret
)";

std::string oidc_with(std::string_view extra) { return std::string(kOidc) + std::string(extra); }

TEST(ConfigOidc, MinimalProviderLoadsWithDefaultScopes) {
  const auto result = load(kOidc);
  ASSERT_TRUE(Loads(result));
  const auto& provider = result.config->auth.oidc.providers.at(0);
  EXPECT_EQ(provider.client_id, "sluice");
  EXPECT_EQ(provider.scopes, (std::vector<std::string>{"openid", "email", "profile"}));
  EXPECT_FALSE(provider.jit.enabled);
}

TEST(ConfigOidc, PublicBaseUrlCannotBeEmpty) {
  EXPECT_TRUE(HasError(load("auth:\n  oidc:\n    public_base_url: \"\"\n"),
                       "auth.oidc.public_base_url", "auth.oidc.public_base_url cannot be empty"));
}

TEST(ConfigOidc, PublicBaseUrlSchemeMustBeHttp) {
  EXPECT_TRUE(HasError(load("auth:\n  oidc:\n    public_base_url: ftp://gw.example.com\n"),
                       "auth.oidc.public_base_url", "scheme `ftp` is not supported"));
}

TEST(ConfigOidc, PublicBaseUrlMustHaveHost) {
  EXPECT_TRUE(HasError(load("auth:\n  oidc:\n    public_base_url: \"https://\"\n"),
                       "auth.oidc.public_base_url", "must include a host"));
}

TEST(ConfigOidc, PublicBaseUrlResolvesEnvReference) {
  const auto result = load("auth:\n  oidc:\n    public_base_url: env.BASE\n",
                           {{"BASE", "https://gw.example.com"}});
  ASSERT_TRUE(Loads(result));
  EXPECT_EQ(result.config->auth.oidc.public_base_url, "https://gw.example.com");
}

TEST(ConfigOidc, DuplicateProviderKey) {
  const auto text = oidc_with(R"(      - key: corp
        label: Corp again
        issuer_url: https://sso.example.com/
        client_id: literal.a
        client_secret: literal.b
)");
  EXPECT_TRUE(HasError(load(text), "auth.oidc.providers[1].key", "duplicate oidc provider key `corp`"));
}

TEST(ConfigOidc, LabelCannotBeEmpty) {
  const auto result = load(R"(
auth:
  oidc:
    providers:
      - key: corp
        issuer_url: https://sso.example.com/
        client_id: literal.a
        client_secret: literal.b
)");
  EXPECT_TRUE(HasError(result, "auth.oidc.providers[0].label", "oidc provider `corp` label cannot be empty"));
}

TEST(ConfigOidc, IssuerUrlMustBeHttpUrl) {
  std::string text(kOidc);
  text.replace(text.find("https://sso.example.com/"), 24, "sso.example.com");
  EXPECT_TRUE(HasError(load(text), "auth.oidc.providers[0].issuer_url", "issuer_url"));
}

TEST(ConfigOidc, ClientSecretMustResolveNonEmpty) {
  std::string text(kOidc);
  text.replace(text.find("literal.secret"), 14, "env.EMPTY");
  EXPECT_TRUE(HasError(load(text, {{"EMPTY", ""}}), "auth.oidc.providers[0].client_secret",
                       "client_secret cannot be empty"));
}

TEST(ConfigOidc, ClientIdIsRequired) {
  std::string text(kOidc);
  text.erase(text.find("        client_id: literal.sluice\n"), 34);
  EXPECT_TRUE(HasError(load(text), "auth.oidc.providers[0].client_id",
                       "oidc provider `corp` client_id is required"));
}

TEST(ConfigOidc, ScopesMustIncludeOpenid) {
  EXPECT_TRUE(HasError(load(oidc_with("        scopes: [email, profile]\n")),
                       "auth.oidc.providers[0].scopes", "must include `openid`"));
}

TEST(ConfigOidc, ScopesCannotBeEmpty) {
  EXPECT_TRUE(HasError(load(oidc_with("        scopes: []\n")), "auth.oidc.providers[0].scopes",
                       "scopes cannot be empty"));
}

TEST(ConfigOidc, ScopeMustBeAValidToken) {
  EXPECT_TRUE(HasError(load(oidc_with("        scopes: [openid, \"bad scope\"]\n")),
                       "auth.oidc.providers[0].scopes", "has invalid scope `bad scope`"));
}

TEST(ConfigOidc, JitMembershipTeamMustExist) {
  EXPECT_TRUE(HasError(load(oidc_with("        jit: { enabled: true, membership: { team: nope, role: member } }\n")),
                       "auth.oidc.providers[0].jit.membership.team", "jit membership references unknown team `nope`"));
}

TEST(ConfigOidc, JitCannotAssignOwner) {
  EXPECT_TRUE(HasError(load(oidc_with("        jit: { enabled: true, membership: { team: platform, role: owner } }\n")),
                       "auth.oidc.providers[0].jit.membership.role", "oidc provider `corp` jit cannot assign role `owner`"));
}

TEST(ConfigOidc, JitMembershipRequiresRole) {
  EXPECT_TRUE(HasError(load(oidc_with("        jit: { enabled: true, membership: { team: platform } }\n")),
                       "auth.oidc.providers[0].jit.membership.role", "required key `role`"));
}

TEST(ConfigOidc, JitGlobalRoleIsAnEnum) {
  EXPECT_TRUE(HasError(load(oidc_with("        jit: { global_role: superuser }\n")),
                       "auth.oidc.providers[0].jit.global_role",
                       "unknown value \"superuser\"; expected one of user, platform_admin"));
}

TEST(ConfigOidc, JitIsRead) {
  const auto result = load(oidc_with(
      "        jit: { enabled: true, global_role: platform_admin, membership: { team: Platform, role: admin } }\n"));
  ASSERT_TRUE(Loads(result));
  const JitConfig& jit = result.config->auth.oidc.providers[0].jit;
  EXPECT_TRUE(jit.enabled);
  EXPECT_EQ(jit.global_role, GlobalRole::kPlatformAdmin);
  ASSERT_TRUE(jit.membership);
  EXPECT_EQ(jit.membership->team, "platform");
  EXPECT_EQ(jit.membership->role, TeamRole::kAdmin);
}

// ---- OAuth (GitHub)

constexpr std::string_view kOAuth = R"(
auth:
  oauth:
    public_base_url: https://gw.example.com
    providers:
      - key: github
        label: GitHub
        client_id: literal.id
        client_secret: literal.secret
)";

std::string oauth_with(std::string_view extra) { return std::string(kOAuth) + std::string(extra); }

TEST(ConfigOAuth, MinimalProviderLoadsWithDefaults) {
  const auto result = load(kOAuth);
  ASSERT_TRUE(Loads(result));
  const auto& provider = result.config->auth.oauth.providers.at(0);
  EXPECT_EQ(provider.provider_type, "github");
  EXPECT_EQ(provider.scopes, (std::vector<std::string>{"read:user", "user:email"}));
  EXPECT_TRUE(provider.sso_email_verification_enabled);
}

TEST(ConfigOAuth, PublicBaseUrlRequiredWhenAProviderIsEnabled) {
  std::string text(kOAuth);
  text.erase(text.find("    public_base_url: https://gw.example.com\n"), 44);
  EXPECT_TRUE(HasError(load(text), "auth.oauth.public_base_url",
                       "auth.oauth.public_base_url is required when an oauth provider is enabled"));
}

TEST(ConfigOAuth, PublicBaseUrlNotRequiredWhenProvidersAreDisabled) {
  std::string text = oauth_with("        enabled: false\n");
  text.erase(text.find("    public_base_url: https://gw.example.com\n"), 44);
  EXPECT_TRUE(Loads(load(text)));
}

TEST(ConfigOAuth, OnlyGithubProviderType) {
  EXPECT_TRUE(HasError(load(oauth_with("        provider_type: gitlab\n")),
                       "auth.oauth.providers[0].provider_type", "provider_type `gitlab` is not supported"));
}

TEST(ConfigOAuth, ScopesMustIncludeUserEmail) {
  EXPECT_TRUE(HasError(load(oauth_with("        scopes: [read:user]\n")),
                       "auth.oauth.providers[0].scopes", "must include `user:email`"));
}

TEST(ConfigOAuth, ClientIdIsASecretReference) {
  std::string text(kOAuth);
  text.replace(text.find("literal.id"), 10, "Iv1.abcdef");
  EXPECT_TRUE(HasError(load(text), "auth.oauth.providers[0].client_id", "unsupported secret reference"));
}

TEST(ConfigOAuth, DuplicateProviderKey) {
  const auto text = oauth_with(R"(      - key: github
        label: Again
        client_id: literal.id
        client_secret: literal.secret
)");
  EXPECT_TRUE(HasError(load(text), "auth.oauth.providers[1].key", "duplicate oauth provider key `github`"));
}

TEST(ConfigOAuth, AllowedEmailDomainsAreNormalized) {
  const auto result = load(oauth_with("        allowed_email_domains: [\" Example.COM. \", corp.example.org]\n"));
  ASSERT_TRUE(Loads(result));
  EXPECT_EQ(result.config->auth.oauth.providers[0].allowed_email_domains,
            (std::vector<std::string>{"example.com", "corp.example.org"}));
}

struct DomainCase {
  const char* domain;
  const char* fragment;
};

class ConfigOAuthRejectsDomain : public ::testing::TestWithParam<DomainCase> {};

TEST_P(ConfigOAuthRejectsDomain, WithAReason) {
  const auto& [domain, fragment] = GetParam();
  const auto result = load(oauth_with(fmt::format("        allowed_email_domains: [\"{}\"]\n", domain)));
  EXPECT_TRUE(HasError(result, "auth.oauth.providers[0].allowed_email_domains[0]", fragment));
}

INSTANTIATE_TEST_SUITE_P(
    ConfigDomains, ConfigOAuthRejectsDomain,
    ::testing::Values(DomainCase{"", "is empty"}, DomainCase{"me@example.com", "email address"},
                      DomainCase{"https://example.com", "URL"}, DomainCase{"*.example.com", "wildcard"},
                      DomainCase{"localhost", "single-label"}, DomainCase{"exa mple.com", "DNS"}));

TEST(ConfigOAuth, DuplicateDomainsAfterNormalization) {
  EXPECT_TRUE(HasError(load(oauth_with("        allowed_email_domains: [example.com, EXAMPLE.com.]\n")),
                       "auth.oauth.providers[0].allowed_email_domains[1]", "lists `example.com` twice"));
}

// ---- mcp.oauth

constexpr std::string_view kMcp = R"(
mcp:
  oauth:
    public_base_url: https://gw.example.com
    providers:
      - key: google
        client_id: literal.id
        client_secret: literal.secret
)";

constexpr std::string_view kMcpKey = "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=";

TEST(ConfigMcp, ProviderLoadsWithEncryptionKey) {
  const auto result = load(kMcp, {{"OCEANS_MCP_CREDENTIAL_ENCRYPTION_KEY", std::string(kMcpKey)}});
  ASSERT_TRUE(Loads(result));
  const auto& provider = result.config->mcp.oauth.providers.at(0);
  EXPECT_EQ(provider.provider_type, "google");
  EXPECT_EQ(provider.token_url, "https://oauth2.googleapis.com/token");
}

TEST(ConfigMcp, EncryptionKeyRequiredWhenProvidersConfigured) {
  EXPECT_TRUE(HasError(load(kMcp), "mcp.oauth.providers",
                       "`OCEANS_MCP_CREDENTIAL_ENCRYPTION_KEY` is not set"));
}

TEST(ConfigMcp, EncryptionKeyMustBe32Base64Bytes) {
  const auto result = load(kMcp, {{"OCEANS_MCP_CREDENTIAL_ENCRYPTION_KEY", "c2hvcnQ="}});
  ASSERT_TRUE(HasError(result, "mcp.oauth.providers", "must be base64 of 32 bytes"));
  EXPECT_EQ(all_diagnostics(result).find("c2hvcnQ="), std::string::npos);
}

TEST(ConfigMcp, PublicBaseUrlRequiredWithProviders) {
  std::string text(kMcp);
  text.erase(text.find("    public_base_url: https://gw.example.com\n"), 44);
  EXPECT_TRUE(HasError(load(text, {{"OCEANS_MCP_CREDENTIAL_ENCRYPTION_KEY", std::string(kMcpKey)}}),
                       "mcp.oauth.public_base_url",
                       "mcp.oauth.public_base_url is required when a provider is configured"));
}

TEST(ConfigMcp, PublicBaseUrlMustBeHttps) {
  EXPECT_TRUE(HasError(load("mcp:\n  oauth:\n    public_base_url: http://gw.example.com\n"),
                       "mcp.oauth.public_base_url", "scheme `http` is not supported"));
}

TEST(ConfigMcp, PublicBaseUrlMustBeAnOrigin) {
  for (const char* url : {"https://gw.example.com/mcp", "https://gw.example.com/?a=1",
                          "https://user@gw.example.com", "https://gw.example.com/#x"}) {
    EXPECT_TRUE(HasError(load(fmt::format("mcp:\n  oauth:\n    public_base_url: \"{}\"\n", url)),
                         "mcp.oauth.public_base_url", "must be an https origin"))
        << url;
  }
}

TEST(ConfigMcp, DuplicateProviderKey) {
  const std::string text = std::string(kMcp) +
                           "      - key: google\n        client_id: literal.a\n        client_secret: literal.b\n";
  EXPECT_TRUE(HasError(load(text, {{"OCEANS_MCP_CREDENTIAL_ENCRYPTION_KEY", std::string(kMcpKey)}}),
                       "mcp.oauth.providers[1].key", "duplicate MCP OAuth provider key `google`"));
}

TEST(ConfigMcp, OnlyGoogleProviderType) {
  const std::string text = std::string(kMcp) + "        provider_type: github\n";
  EXPECT_TRUE(HasError(load(text, {{"OCEANS_MCP_CREDENTIAL_ENCRYPTION_KEY", std::string(kMcpKey)}}),
                       "mcp.oauth.providers[0].provider_type", "only google"));
}

TEST(ConfigMcp, EndpointsArePinnedToGoogle) {
  const std::string text = std::string(kMcp) + "        token_url: https://evil.example.com/token\n";
  EXPECT_TRUE(HasError(load(text, {{"OCEANS_MCP_CREDENTIAL_ENCRYPTION_KEY", std::string(kMcpKey)}}),
                       "mcp.oauth.providers[0].token_url", "must be https://oauth2.googleapis.com/token"));
}

}  // namespace
}  // namespace sluice::config::testing
