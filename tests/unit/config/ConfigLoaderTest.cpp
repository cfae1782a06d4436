// Loading as a whole: the three failure stages, empty input, and every error reported at once.
#include "ConfigTestSupport.h"

namespace sluice::config::testing {
namespace {

TEST(ConfigLoader, EmptyTextIsTheDefaultConfig) {
  const auto result = load("");
  ASSERT_TRUE(Loads(result));
  EXPECT_EQ(result.config->server.bind, "0.0.0.0:8080");
  EXPECT_TRUE(result.config->providers.empty());
  EXPECT_TRUE(result.warnings.empty());
}

TEST(ConfigLoader, CommentOnlyFileIsTheDefaultConfig) {
  EXPECT_TRUE(Loads(load("# nothing configured yet\n")));
}

TEST(ConfigLoader, EmptyDocumentMarkerIsTheDefaultConfig) { EXPECT_TRUE(Loads(load("---\n"))); }

TEST(ConfigLoader, EmptySectionIsItsDefault) {
  const auto result = load("server:\nproviders:\n");
  ASSERT_TRUE(Loads(result));
  EXPECT_EQ(result.config->server.bind_port, 8080);
}

TEST(ConfigLoader, DefaultsMatchTheReference) {
  const auto result = load("");
  ASSERT_TRUE(Loads(result));
  const GatewayConfig& config = *result.config;
  EXPECT_EQ(config.database.kind, DatabaseKind::kLibsql);
  EXPECT_EQ(config.database.path, "./gateway.db");
  EXPECT_EQ(config.auth.bootstrap_admin.email, "admin@local");
  EXPECT_EQ(config.auth.bootstrap_admin.password.reveal(), "admin");
  EXPECT_EQ(config.request_logging.purge.schedule, "0 0 * * *");
  EXPECT_EQ(config.agent_analysis.context_input_boundary_tokens, 220000u);
  EXPECT_EQ(config.budget_alerts.email.from_email, "alerts@local");
}

TEST(ConfigLoader, MissingFileFailsReading) {
  const auto result = load_config_file(source_path("tests/fixtures/config/does-not-exist.yaml"),
                                       env_from({}));
  ASSERT_EQ(result.errors.size(), 1u);
  EXPECT_EQ(result.errors[0].message.rfind("failed reading config file", 0), 0u);
  EXPECT_NE(result.errors[0].message.find("does-not-exist.yaml"), std::string::npos);
}

TEST(ConfigLoader, DirectoryFailsReading) {
  const auto result = load_config_file(source_path("tests/fixtures/config"), env_from({}));
  ASSERT_EQ(result.errors.size(), 1u);
  EXPECT_EQ(result.errors[0].message.rfind("failed reading config file", 0), 0u);
}

TEST(ConfigLoader, SyntaxErrorFailsParsingWithPosition) {
  const auto result = load("server:\n  bind: [0.0.0.0\nmodels: []\n");
  ASSERT_EQ(result.errors.size(), 1u);
  EXPECT_EQ(result.errors[0].message.rfind("failed parsing yaml config", 0), 0u);
  EXPECT_GT(result.errors[0].line, 0);
  EXPECT_GT(result.errors[0].column, 0);
  EXPECT_NE(result.errors[0].to_string().find(fmt::format("{}:{}", result.errors[0].line,
                                                          result.errors[0].column)),
            std::string::npos);
}

TEST(ConfigLoader, SeveralDocumentsAreRejected) {
  const auto result = load("server: {}\n---\nserver: {}\n");
  ASSERT_EQ(result.errors.size(), 1u);
  EXPECT_NE(result.errors[0].message.find("expected one YAML document, found 2"), std::string::npos);
}

TEST(ConfigLoader, RootMustBeAMapping) {
  EXPECT_TRUE(HasError(load("- server\n"), "", "must be a mapping of sections"));
}

TEST(ConfigLoader, SectionOfTheWrongShapeIsAnError) {
  EXPECT_TRUE(HasError(load("providers: openai\n"), "providers", "expected a list"));
}

TEST(ConfigLoader, DiagnosticToStringHasPathPositionAndMessage) {
  Diagnostic diagnostic;
  diagnostic.path = "models[0].routes[0].capabilities.responses";
  diagnostic.line = 12;
  diagnostic.column = 9;
  diagnostic.message = "boom";
  EXPECT_EQ(diagnostic.to_string(), "models[0].routes[0].capabilities.responses (12:9): boom");
}

TEST(ConfigLoader, DiagnosticToStringWithoutPositionOrPath) {
  Diagnostic diagnostic;
  diagnostic.path = "server.bind";
  diagnostic.message = "boom";
  EXPECT_EQ(diagnostic.to_string(), "server.bind: boom");
  diagnostic.path.clear();
  EXPECT_EQ(diagnostic.to_string(), "boom");
}

TEST(ConfigLoader, PositionsAreOneBased) {
  const auto result = load("server:\n  bind: nonsense\n");
  ASSERT_TRUE(HasError(result, "server.bind", "is not a valid socket address"));
  EXPECT_EQ(result.errors[0].line, 2);
  EXPECT_EQ(result.errors[0].column, 9);
}

// Five unrelated mistakes in one file: all five are reported, in file order, and no config.
TEST(ConfigLoader, ReportsAllErrorsAtOnce) {
  const auto result = load(R"(
server:
  bind: "not-an-address"
  otel_trace_sample_ratio: 1.5
providers:
  - id: openai
    type: openai_compat
    base_url: https://api.openai.com/v1
    pricing_provider_id: openia
models:
  - id: gpt
    routes:
      - provider: openai
        upstream_model: ""
teams:
  - id: platform
    name: Platform
    colour: blue
)");
  EXPECT_FALSE(result.ok());
  ASSERT_EQ(result.errors.size(), 5u) << all_diagnostics(result);
  EXPECT_EQ(result.errors[0].path, "server.bind");
  EXPECT_EQ(result.errors[1].path, "server.otel_trace_sample_ratio");
  EXPECT_EQ(result.errors[2].path, "providers[0].pricing_provider_id");
  EXPECT_EQ(result.errors[3].path, "models[0].routes[0].upstream_model");
  EXPECT_EQ(result.errors[4].path, "teams[0].colour");
  for (std::size_t i = 1; i < result.errors.size(); ++i) {
    EXPECT_LT(result.errors[i - 1].line, result.errors[i].line);
  }
}

TEST(ConfigLoader, WarningsDoNotFailTheLoad) {
  const auto result = load("server:\n  bnd: 1.2.3.4:80\n");
  ASSERT_TRUE(Loads(result));
  EXPECT_EQ(result.warnings.size(), 1u);
}

TEST(ConfigLoader, DuplicateKeyIsAnError) {
  const auto result = load("server:\n  bind: 127.0.0.1:1\n  bind: 127.0.0.1:2\n");
  EXPECT_TRUE(HasError(result, "server.bind", "duplicate key `bind`"));
  EXPECT_EQ(result.errors[0].line, 3);
}

TEST(ConfigLoader, WrongScalarTypeIsAnError) {
  EXPECT_TRUE(HasError(load("server:\n  otel_export_interval_secs: soon\n"),
                       "server.otel_export_interval_secs", "expected a non-negative integer"));
  EXPECT_TRUE(HasError(load("agent_analysis:\n  enabled: yes\n"), "agent_analysis.enabled",
                       "expected true or false"));
}

TEST(ConfigLoader, FindProviderAndModelById) {
  const auto result = load(std::string(kOpenAIProvider) + std::string(kOpenAIModel));
  ASSERT_TRUE(Loads(result));
  EXPECT_NE(result.config->find_provider("openai"), nullptr);
  EXPECT_EQ(result.config->find_provider("nope"), nullptr);
  EXPECT_NE(result.config->find_model("gpt"), nullptr);
  EXPECT_EQ(result.config->find_model("nope"), nullptr);
}

}  // namespace
}  // namespace sluice::config::testing
