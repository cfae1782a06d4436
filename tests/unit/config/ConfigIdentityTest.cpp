// `teams` (§13), `service_accounts` (§14), `users` (§15) and `budgets` (§6).
#include "ConfigTestSupport.h"

namespace sluice::config::testing {
namespace {

constexpr std::string_view kTeam = "teams:\n  - id: platform\n    name: Platform\n";

constexpr std::string_view kCallerKey = "gwk_demo0001.0123456789abcdef0123";

std::string accounts(std::string_view body) {
  return std::string(kOpenAIProvider) + std::string(kOpenAIModel) + std::string(kTeam) +
         "service_accounts:\n" + std::string(body);
}

constexpr std::string_view kAccount =
    "  - id: ci\n    team: platform\n    budget: { cadence: daily, amount_usd: \"25.0000\" }\n";

// ---- teams

TEST(ConfigTeams, IdsAreNormalized) {
  const auto result = load("teams:\n  - id: \" Platform \"\n    name: Platform\n");
  ASSERT_TRUE(Loads(result));
  EXPECT_EQ(result.config->teams[0].id, "platform");
}

TEST(ConfigTeams, DuplicateIdsAreRejected) {
  EXPECT_TRUE(HasError(load(std::string(kTeam) + "  - id: PLATFORM\n    name: Again\n"), "teams[1].id",
                       "duplicate team id `platform`"));
}

TEST(ConfigTeams, IdCannotBeEmpty) {
  EXPECT_TRUE(HasError(load("teams:\n  - id: \"  \"\n    name: X\n"), "teams[0].id", "team id cannot be empty"));
}

TEST(ConfigTeams, NameIsRequired) {
  EXPECT_TRUE(HasError(load("teams:\n  - id: t\n"), "teams[0].name", "required key `name`"));
  EXPECT_TRUE(HasError(load("teams:\n  - id: t\n    name: \"\"\n"), "teams[0].name", "team `t` name cannot be empty"));
}

TEST(ConfigTeams, TagsCannotBeBlank) {
  EXPECT_TRUE(HasError(load("teams:\n  - id: t\n    name: T\n    tags: [ok, \" \"]\n"), "teams[0].tags[1]",
                       "tag cannot be empty"));
}

// ---- service accounts

TEST(ConfigServiceAccounts, MinimalAccountLoads) {
  const auto result = load(accounts(kAccount));
  ASSERT_TRUE(Loads(result));
  const ServiceAccountConfig& account = result.config->service_accounts[0];
  EXPECT_EQ(account.name, "ci");
  EXPECT_EQ(account.team, "platform");
  EXPECT_EQ(account.budget.cadence, BudgetCadence::kDaily);
  EXPECT_EQ(account.budget.amount_usd.to_string(), "25.0000");
  EXPECT_TRUE(account.budget.hard_limit);
  EXPECT_EQ(account.budget.timezone, "UTC");
}

TEST(ConfigServiceAccounts, TeamMustExist) {
  EXPECT_TRUE(HasError(load(accounts("  - id: ci\n    team: nope\n    budget: { cadence: daily, amount_usd: \"1\" }\n")),
                       "service_accounts[0].team", "service account `ci` references unknown team `nope`"));
}

TEST(ConfigServiceAccounts, BudgetIsRequired) {
  EXPECT_TRUE(HasError(load(accounts("  - id: ci\n    team: platform\n")), "service_accounts[0].budget",
                       "service account `ci` requires a budget"));
}

TEST(ConfigServiceAccounts, DuplicateIdsAreRejected) {
  EXPECT_TRUE(HasError(load(accounts(std::string(kAccount) + std::string(kAccount))), "service_accounts[1].id",
                       "duplicate service account id `ci`"));
}

TEST(ConfigServiceAccounts, KeyIdsAreUniqueWithinAnAccount) {
  EXPECT_TRUE(HasError(load(accounts(std::string(kAccount) + "    keys: [{ id: k }, { id: k }]\n")),
                       "service_accounts[0].keys[1].id", "duplicate key id `k`"));
}

TEST(ConfigServiceAccounts, KeyNameDefaultsToId) {
  const auto result = load(accounts(std::string(kAccount) + "    keys: [{ id: primary }]\n"));
  ASSERT_TRUE(Loads(result));
  const auto& key = result.config->service_accounts[0].keys[0];
  EXPECT_EQ(key.name, "primary");
  EXPECT_TRUE(key.auto_create);
  EXPECT_FALSE(key.value);
}

TEST(ConfigServiceAccounts, NoAutoCreateRequiresValue) {
  EXPECT_TRUE(HasError(load(accounts(std::string(kAccount) + "    keys: [{ id: k, auto_create: false }]\n")),
                       "service_accounts[0].keys[0].value", "auto_create: false and so requires a value"));
}

TEST(ConfigServiceAccounts, ValueMustBeAGatewayKey) {
  EXPECT_TRUE(HasError(load(accounts(std::string(kAccount) + "    keys: [{ id: k, value: env.KEY }]\n"),
                            {{"KEY", "sk-not-ours-0123456789"}}),
                       "service_accounts[0].keys[0].value", "not a valid gateway API key"));
}

TEST(ConfigServiceAccounts, ValueIsResolvedFromEnv) {
  const auto result = load(accounts(std::string(kAccount) + "    keys: [{ id: k, auto_create: false, value: env.KEY }]\n"),
                           {{"KEY", std::string(kCallerKey)}});
  ASSERT_TRUE(Loads(result));
  EXPECT_EQ(result.config->service_accounts[0].keys[0].value->reveal(), kCallerKey);
}

TEST(ConfigServiceAccounts, KeysCannotShareAPublicId) {
  const auto result = load(accounts(std::string(kAccount) +
                                    "    keys: [{ id: a, value: env.A }, { id: b, value: env.B }]\n"),
                           {{"A", "gwk_demo0001.0123456789abcdef0123"}, {"B", "gwk_demo0001.ffffffffffffffffffff"}});
  EXPECT_TRUE(HasError(result, "service_accounts[0].keys[1].value", "same public id as key `ci/a`"));
}

TEST(ConfigServiceAccounts, AllowedModelsMustExist) {
  EXPECT_TRUE(HasError(load(accounts(std::string(kAccount) + "    keys: [{ id: k, allowed_models: [gpt, nope] }]\n")),
                       "service_accounts[0].keys[0].allowed_models[1]", "allowed_models references unknown model `nope`"));
}

// ---- budgets (the Budget object, via service accounts and budgets.users)

TEST(ConfigBudget, CadenceIsRequired) {
  EXPECT_TRUE(HasError(load(accounts("  - id: ci\n    team: platform\n    budget: { amount_usd: \"1\" }\n")),
                       "service_accounts[0].budget.cadence", "required key `cadence`"));
}

TEST(ConfigBudget, CadenceIsAnEnum) {
  EXPECT_TRUE(HasError(load(accounts("  - id: ci\n    team: platform\n    budget: { cadence: hourly, amount_usd: \"1\" }\n")),
                       "service_accounts[0].budget.cadence", "expected one of daily, weekly, monthly"));
}

TEST(ConfigBudget, AmountIsRequired) {
  EXPECT_TRUE(HasError(load(accounts("  - id: ci\n    team: platform\n    budget: { cadence: daily }\n")),
                       "service_accounts[0].budget.amount_usd", "required key `amount_usd`"));
}

TEST(ConfigBudget, AmountCannotBeNegative) {
  EXPECT_TRUE(HasError(load(accounts("  - id: ci\n    team: platform\n    budget: { cadence: daily, amount_usd: \"-5\" }\n")),
                       "service_accounts[0].budget.amount_usd", "service account `ci` budget amount_usd cannot be negative"));
}

TEST(ConfigBudget, AmountMustBeMoney4) {
  EXPECT_TRUE(HasError(load(accounts("  - id: ci\n    team: platform\n    budget: { cadence: daily, amount_usd: \"ten\" }\n")),
                       "service_accounts[0].budget.amount_usd", "amount_usd is invalid"));
}

TEST(ConfigBudget, NumericAmountCountsAsWritten) {
  const auto result = load(accounts("  - id: ci\n    team: platform\n    budget: { cadence: weekly, amount_usd: 12.5 }\n"));
  ASSERT_TRUE(Loads(result));
  EXPECT_EQ(result.config->service_accounts[0].budget.amount_usd.units(), 125000);
}

TEST(ConfigBudget, TimezoneCannotBeEmpty) {
  EXPECT_TRUE(HasError(load(accounts("  - id: ci\n    team: platform\n    budget: { cadence: daily, amount_usd: \"1\", timezone: \"\" }\n")),
                       "service_accounts[0].budget.timezone", "timezone cannot be empty"));
}

TEST(ConfigBudgets, UserDefaultAndModelDefaultsAreRead) {
  const auto result = load(std::string(kOpenAIProvider) + std::string(kOpenAIModel) + R"(
budgets:
  users:
    default: { cadence: monthly, amount_usd: "200.0000", hard_limit: false, timezone: Europe/Paris }
    model_defaults:
      - model: gpt
        budget: { cadence: daily, amount_usd: "20" }
)");
  ASSERT_TRUE(Loads(result));
  const auto& users = result.config->budgets.users;
  ASSERT_TRUE(users.default_budget);
  EXPECT_FALSE(users.default_budget->hard_limit);
  EXPECT_EQ(users.default_budget->timezone, "Europe/Paris");
  ASSERT_EQ(users.model_defaults.size(), 1u);
  EXPECT_EQ(users.model_defaults[0].model, "gpt");
}

TEST(ConfigBudgets, ModelDefaultMustNameAModel) {
  EXPECT_TRUE(HasError(load("budgets:\n  users:\n    model_defaults:\n      - { model: nope, budget: { cadence: daily, amount_usd: \"1\" } }\n"),
                       "budgets.users.model_defaults[0].model",
                       "budgets.users.model_defaults references unknown model `nope`"));
}

TEST(ConfigBudgets, ModelDefaultsAreUniquePerModel) {
  const auto result = load(std::string(kOpenAIProvider) + std::string(kOpenAIModel) + R"(
budgets:
  users:
    model_defaults:
      - { model: gpt, budget: { cadence: daily, amount_usd: "1" } }
      - { model: gpt, budget: { cadence: daily, amount_usd: "2" } }
)");
  EXPECT_TRUE(HasError(result, "budgets.users.model_defaults[1].model",
                       "duplicate budgets.users.model_defaults model `gpt`"));
}

// ---- users

constexpr std::string_view kOidcProvider = R"(
auth:
  oidc:
    providers:
      - { key: corp, label: Corp, issuer_url: "https://sso.example.com", client_id: literal.a, client_secret: literal.b }
)";

std::string users(std::string_view body) {
  return std::string(kTeam) + std::string(kOidcProvider) + "users:\n" + std::string(body);
}

TEST(ConfigUsers, MinimalUserLoads) {
  const auto result = load(users("  - { name: Ann, email: \" Ann@Example.com \", auth_mode: password }\n"));
  ASSERT_TRUE(Loads(result));
  const UserConfig& user = result.config->users[0];
  EXPECT_EQ(user.email, "ann@example.com");
  EXPECT_EQ(user.global_role, GlobalRole::kUser);
  EXPECT_TRUE(user.request_logging_enabled);
  EXPECT_FALSE(user.budget);
}

TEST(ConfigUsers, EmailMustBeValid) {
  EXPECT_TRUE(HasError(load(users("  - { name: Ann, email: ann, auth_mode: password }\n")), "users[0].email",
                       "must be a valid email address"));
}

TEST(ConfigUsers, EmailsAreUnique) {
  EXPECT_TRUE(HasError(load(users("  - { name: Ann, email: ann@example.com, auth_mode: password }\n"
                                  "  - { name: Ann2, email: ANN@example.com, auth_mode: password }\n")),
                       "users[1].email", "duplicate user email `ann@example.com`"));
}

TEST(ConfigUsers, BootstrapEmailIsReserved) {
  EXPECT_TRUE(HasError(load(users("  - { name: Admin, email: admin@local, auth_mode: password }\n")),
                       "users[0].email", "reserved for auth.bootstrap_admin"));
}

TEST(ConfigUsers, NameIsRequired) {
  EXPECT_TRUE(HasError(load(users("  - { email: ann@example.com, auth_mode: password }\n")), "users[0].name",
                       "required key `name`"));
}

TEST(ConfigUsers, AuthModeIsRequired) {
  EXPECT_TRUE(HasError(load(users("  - { name: Ann, email: ann@example.com }\n")), "users[0].auth_mode",
                       "required key `auth_mode`"));
}

TEST(ConfigUsers, OidcModeRequiresProviderKey) {
  EXPECT_TRUE(HasError(load(users("  - { name: Ann, email: ann@example.com, auth_mode: oidc }\n")),
                       "users[0].oidc_provider_key", "auth_mode oidc requires oidc_provider_key"));
}

TEST(ConfigUsers, OidcProviderKeyMustExist) {
  EXPECT_TRUE(HasError(load(users("  - { name: Ann, email: ann@example.com, auth_mode: oidc, oidc_provider_key: other }\n")),
                       "users[0].oidc_provider_key", "references unknown oidc provider `other`"));
}

TEST(ConfigUsers, ProviderKeyOnlyWithMatchingMode) {
  EXPECT_TRUE(HasError(load(users("  - { name: Ann, email: ann@example.com, auth_mode: password, oidc_provider_key: corp }\n")),
                       "users[0].oidc_provider_key", "only allowed with auth_mode: oidc"));
}

TEST(ConfigUsers, OAuthModeRequiresProviderKey) {
  EXPECT_TRUE(HasError(load(users("  - { name: Ann, email: ann@example.com, auth_mode: oauth }\n")),
                       "users[0].oauth_provider_key", "auth_mode oauth requires oauth_provider_key"));
}

TEST(ConfigUsers, MembershipTeamMustExist) {
  EXPECT_TRUE(HasError(load(users("  - { name: Ann, email: ann@example.com, auth_mode: password, membership: { team: nope } }\n")),
                       "users[0].membership.team", "references unknown team `nope`"));
}

TEST(ConfigUsers, MembershipRoleDefaultsToMember) {
  const auto result = load(users("  - { name: Ann, email: ann@example.com, auth_mode: password, membership: { team: platform } }\n"));
  ASSERT_TRUE(Loads(result));
  EXPECT_EQ(result.config->users[0].membership->role, TeamRole::kMember);
}

TEST(ConfigUsers, MembershipRoleOwnerIsRejected) {
  EXPECT_TRUE(HasError(load(users("  - { name: Ann, email: ann@example.com, auth_mode: password, membership: { team: platform, role: owner } }\n")),
                       "users[0].membership.role", "cannot assign role `owner`"));
}

TEST(ConfigUsers, BudgetIsValidated) {
  EXPECT_TRUE(HasError(load(users("  - { name: Ann, email: ann@example.com, auth_mode: password, budget: { cadence: daily, amount_usd: \"1.00001\" } }\n")),
                       "users[0].budget.amount_usd", "user `ann@example.com` budget amount_usd is invalid"));
}

}  // namespace
}  // namespace sluice::config::testing
