// `server` (reference §1 and Sluice's listener keys) and `database` (§2).
#include "ConfigTestSupport.h"

#include "config/ValueSyntax.h"

namespace sluice::config::testing {
namespace {

struct BindCase {
  const char* bind;
  const char* host;
  std::uint16_t port;
};

class ConfigServerBindParses : public ::testing::TestWithParam<BindCase> {};

TEST_P(ConfigServerBindParses, IntoHostAndPort) {
  const auto& [bind, host, port] = GetParam();
  const auto result = load(fmt::format("server:\n  bind: \"{}\"\n", bind));
  ASSERT_TRUE(Loads(result)) << bind;
  EXPECT_EQ(result.config->server.bind, bind);
  EXPECT_EQ(result.config->server.bind_host, host);
  EXPECT_EQ(result.config->server.bind_port, port);
}

INSTANTIATE_TEST_SUITE_P(ConfigBind, ConfigServerBindParses,
                         ::testing::Values(BindCase{"0.0.0.0:8080", "0.0.0.0", 8080},
                                           BindCase{"127.0.0.1:0", "127.0.0.1", 0},
                                           BindCase{"[::1]:9000", "::1", 9000},
                                           BindCase{"[::]:443", "::", 443},
                                           BindCase{"localhost:65535", "localhost", 65535},
                                           BindCase{"gateway.internal:80", "gateway.internal", 80}));

class ConfigServerBindRejects : public ::testing::TestWithParam<const char*> {};

TEST_P(ConfigServerBindRejects, WithTheReferenceMessage) {
  const auto result = load(fmt::format("server:\n  bind: \"{}\"\n", GetParam()));
  EXPECT_TRUE(HasError(result, "server.bind",
                       fmt::format("server.bind `{}` is not a valid socket address", GetParam())));
}

INSTANTIATE_TEST_SUITE_P(ConfigBind, ConfigServerBindRejects,
                         ::testing::Values("8080", "localhost", "0.0.0.0:", "0.0.0.0:65536",
                                           "0.0.0.0:http", "::1:8080", "[::1]8080", "[zz::1]:80",
                                           "999.1.1.1:80", "bad_host:80", ":8080", "1.2.3.4:-1"));

TEST(ConfigServer, AdminBindIsAbsentUnlessWritten) {
  const auto result = load("server:\n  bind: \"127.0.0.1:8080\"\n");
  ASSERT_TRUE(Loads(result));
  EXPECT_FALSE(result.config->server.admin_bind);
}

TEST(ConfigServer, AdminBindParsesIntoHostAndPort) {
  const auto result = load("server:\n  admin_bind: \"127.0.0.1:9901\"\n");
  ASSERT_TRUE(Loads(result));
  EXPECT_EQ(result.config->server.admin_bind, "127.0.0.1:9901");
  EXPECT_EQ(result.config->server.admin_bind_host, "127.0.0.1");
  EXPECT_EQ(result.config->server.admin_bind_port, 9901);
}

TEST(ConfigServer, AdminBindMustBeASocketAddress) {
  EXPECT_TRUE(HasError(load("server:\n  admin_bind: \"9901\"\n"), "server.admin_bind",
                       "server.admin_bind `9901` is not a valid socket address"));
}

TEST(ConfigServer, LogLevelIsOneOfTheNamedLevels) {
  const auto result = load("server:\n  log_level: debug\n");
  ASSERT_TRUE(Loads(result));
  EXPECT_EQ(result.config->server.log_level, "debug");
  EXPECT_TRUE(HasError(load("server:\n  log_level: loud\n"), "server.log_level",
                       "server.log_level `loud` is not one of"));
}

TEST(ConfigServer, OtelEndpointMustBeAUri) {
  EXPECT_TRUE(HasError(load("server:\n  otel_endpoint: \"not a uri\"\n"), "server.otel_endpoint",
                       "server.otel_endpoint `not a uri` is not a valid URI"));
}

TEST(ConfigServer, OtelMetricsEndpointMustBeAUri) {
  EXPECT_TRUE(HasError(load("server:\n  otel_metrics_endpoint: \"::\"\n"),
                       "server.otel_metrics_endpoint", "is not a valid URI"));
}

TEST(ConfigServer, OtelEndpointAcceptsCollectorUri) {
  const auto result = load("server:\n  otel_endpoint: http://otel-collector:4317\n");
  ASSERT_TRUE(Loads(result));
  EXPECT_EQ(result.config->server.otel_endpoint, "http://otel-collector:4317");
}

TEST(ConfigServer, SampleRatioMustBeWithinZeroAndOne) {
  EXPECT_TRUE(HasError(load("server:\n  otel_trace_sample_ratio: 1.01\n"),
                       "server.otel_trace_sample_ratio", "must be between 0.0 and 1.0 inclusive"));
  EXPECT_TRUE(HasError(load("server:\n  otel_trace_sample_ratio: -0.1\n"),
                       "server.otel_trace_sample_ratio", "must be between 0.0 and 1.0 inclusive"));
  EXPECT_TRUE(HasError(load("server:\n  otel_trace_sample_ratio: .nan\n"),
                       "server.otel_trace_sample_ratio", "must be between 0.0 and 1.0 inclusive"));
}

TEST(ConfigServer, SampleRatioBoundsAreInclusive) {
  EXPECT_TRUE(Loads(load("server:\n  otel_trace_sample_ratio: 0\n")));
  EXPECT_TRUE(Loads(load("server:\n  otel_trace_sample_ratio: 1.0\n")));
}

TEST(ConfigServer, ListenerKeysHaveDocumentedDefaults) {
  const auto result = load("");
  ASSERT_TRUE(Loads(result));
  const ServerConfig& server = result.config->server;
  EXPECT_EQ(server.max_body_bytes, 16u * 1024u * 1024u);
  EXPECT_EQ(server.max_header_bytes, 16384u);
  EXPECT_EQ(server.request_header_timeout, std::chrono::milliseconds(10000));
  EXPECT_EQ(server.request_body_timeout, std::chrono::milliseconds(60000));
  EXPECT_EQ(server.idle_timeout, std::chrono::milliseconds(75000));
  EXPECT_EQ(server.drain_timeout, std::chrono::milliseconds(30000));
  EXPECT_EQ(server.io_threads, 0u);
}

TEST(ConfigServer, ListenerKeysAreRead) {
  const auto result = load(R"(
server:
  max_body_bytes: 1048576
  max_header_bytes: 8192
  request_header_timeout_ms: 5000
  request_body_timeout_ms: 20000
  idle_timeout_ms: 30000
  drain_timeout_ms: 1000
  io_threads: 4
)");
  ASSERT_TRUE(Loads(result));
  EXPECT_TRUE(result.warnings.empty()) << all_diagnostics(result);
  const ServerConfig& server = result.config->server;
  EXPECT_EQ(server.max_body_bytes, 1048576u);
  EXPECT_EQ(server.max_header_bytes, 8192u);
  EXPECT_EQ(server.request_header_timeout, std::chrono::milliseconds(5000));
  EXPECT_EQ(server.drain_timeout, std::chrono::milliseconds(1000));
  EXPECT_EQ(server.io_threads, 4u);
}

TEST(ConfigServer, MaxBodyBytesMustBePositive) {
  EXPECT_TRUE(HasError(load("server:\n  max_body_bytes: 0\n"), "server.max_body_bytes",
                       "server.max_body_bytes must be > 0"));
}

TEST(ConfigServer, MaxHeaderBytesMustBeInRange) {
  EXPECT_TRUE(HasError(load("server:\n  max_header_bytes: 1023\n"), "server.max_header_bytes",
                       "between 1024 and 1048576"));
  EXPECT_TRUE(HasError(load("server:\n  max_header_bytes: 1048577\n"), "server.max_header_bytes",
                       "between 1024 and 1048576"));
}

TEST(ConfigServer, TimeoutsMustBePositive) {
  for (const char* key : {"request_header_timeout_ms", "request_body_timeout_ms", "idle_timeout_ms",
                          "drain_timeout_ms"}) {
    EXPECT_TRUE(HasError(load(fmt::format("server:\n  {}: 0\n", key)), fmt::format("server.{}", key),
                         "must be > 0"));
    EXPECT_TRUE(HasError(load(fmt::format("server:\n  {}: -1\n", key)), fmt::format("server.{}", key),
                         "must be > 0"));
  }
}

TEST(ConfigServer, IoThreadsAtMost256) {
  EXPECT_TRUE(Loads(load("server:\n  io_threads: 256\n")));
  EXPECT_TRUE(HasError(load("server:\n  io_threads: 257\n"), "server.io_threads",
                       "between 0 (one per CPU core) and 256"));
}

TEST(ConfigServer, NegativeIntegerIsRejected) {
  EXPECT_TRUE(HasError(load("server:\n  max_body_bytes: -5\n"), "server.max_body_bytes",
                       "must not be negative"));
}

TEST(ConfigDatabase, KindIsInferredFromUrl) {
  const auto result = load("database:\n  url: env.DB\n", {{"DB", "postgres://x"}});
  ASSERT_TRUE(Loads(result));
  EXPECT_EQ(result.config->database.kind, DatabaseKind::kPostgres);
  EXPECT_EQ(result.config->database.url->reveal(), "postgres://x");
}

TEST(ConfigDatabase, KindDefaultsToLibsql) {
  const auto result = load("database:\n  path: /var/lib/sluice.db\n");
  ASSERT_TRUE(Loads(result));
  EXPECT_EQ(result.config->database.kind, DatabaseKind::kLibsql);
  EXPECT_EQ(result.config->database.path, "/var/lib/sluice.db");
}

TEST(ConfigDatabase, UnsupportedKindIsRejected) {
  EXPECT_TRUE(HasError(load("database:\n  kind: mysql\n"), "database.kind",
                       "unsupported database.kind `mysql`; use libsql or postgres"));
}

TEST(ConfigDatabase, PostgresRequiresUrl) {
  EXPECT_TRUE(HasError(load("database:\n  kind: postgres\n"), "database.url",
                       "database.url is required when database.kind=postgres"));
}

TEST(ConfigDatabase, UrlIsASecretReference) {
  EXPECT_TRUE(HasError(load("database:\n  url: postgres://user:pw@db/x\n"), "database.url",
                       "unsupported secret reference"));
}

TEST(ConfigSyntax, SocketAddressKeepsIpv6HostWithoutBrackets) {
  const auto address = parse_socket_address("[2001:db8::1]:8443");
  ASSERT_TRUE(address);
  EXPECT_EQ(address->host, "2001:db8::1");
  EXPECT_EQ(address->port, 8443);
}

TEST(ConfigSyntax, DailyCronAcceptsOneFixedTime) {
  EXPECT_FALSE(daily_cron_problem("0 0 * * *"));
  EXPECT_FALSE(daily_cron_problem("30 2 * * 1-5"));
  EXPECT_FALSE(daily_cron_problem("15 4 */2 * *"));
}

TEST(ConfigSyntax, DailyCronRejectsMoreFrequentSchedules) {
  EXPECT_TRUE(daily_cron_problem("* 0 * * *"));
  EXPECT_TRUE(daily_cron_problem("0 */6 * * *"));
  EXPECT_TRUE(daily_cron_problem("0 1,13 * * *"));
  EXPECT_TRUE(daily_cron_problem("0-5 1 * * *"));
  EXPECT_TRUE(daily_cron_problem("0 0 * *"));
  EXPECT_TRUE(daily_cron_problem("0 24 * * *"));
}

TEST(ConfigSyntax, Base64DecodedSize) {
  EXPECT_EQ(base64_decoded_size("MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY="), 32u);
  EXPECT_EQ(base64_decoded_size("MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY"), 32u);
  EXPECT_FALSE(base64_decoded_size("not base64!"));
}

}  // namespace
}  // namespace sluice::config::testing
