// `server` (reference §1 plus Sluice's own listener limits, docs/configuration.md) and `database`
// (§2).
#include "config/SectionReaders.h"

namespace sluice::config {

namespace {

constexpr std::uint32_t kMinHeaderBytes = 1024;
constexpr std::uint32_t kMaxHeaderBytes = 1024 * 1024;
constexpr std::uint32_t kMaxIoThreads = 256;

// A `host:port` listener address; false (with an error at the node) when it is not one.
bool read_listener_address(const ConfigNode& node, std::string& bind, std::string& host,
                           std::uint16_t& port) {
  std::string written;
  if (!read_into(node, written)) return false;
  const auto address = parse_socket_address(written);
  if (!address) {
    node.error(fmt::format("{} `{}` is not a valid socket address (host:port, [ipv6]:port)",
                           node.path(), written));
    return false;
  }
  bind = written;
  host = address->host;
  port = address->port;
  return true;
}

void read_bind(const ConfigNode& node, ServerConfig& server) {
  read_listener_address(node, server.bind, server.bind_host, server.bind_port);
}

void read_admin_bind(const ConfigNode& node, ServerConfig& server) {
  std::string bind;
  if (read_listener_address(node, bind, server.admin_bind_host, server.admin_bind_port)) {
    server.admin_bind = bind;
  }
}

void read_log_level(const ConfigNode& node, ServerConfig& server) {
  std::string level;
  if (!read_into(node, level)) return;
  constexpr std::array<std::string_view, 5> kLevels{"trace", "debug", "info", "warn", "error"};
  if (std::find(kLevels.begin(), kLevels.end(), level) == kLevels.end()) {
    node.error(fmt::format("server.log_level `{}` is not one of trace, debug, info, warn, error",
                           level));
    return;
  }
  server.log_level = level;
}

void read_otel_uri(const ConfigNode& node, std::optional<std::string>& out) {
  std::string uri;
  if (!read_into(node, uri)) return;
  if (!parse_uri(uri)) {
    node.error(fmt::format("{} `{}` is not a valid URI", node.path(), uri));
    return;
  }
  out = uri;
}

// A `*_timeout_ms` key: a positive number of milliseconds.
void read_timeout(const ConfigNode& node, std::chrono::milliseconds& out) {
  std::int64_t millis = 0;
  if (read_positive(node, millis)) out = std::chrono::milliseconds(millis);
}

void read_listener_limits(const ConfigNode& node, ServerConfig& server) {
  read_positive(node.child("max_body_bytes"), server.max_body_bytes);
  const ConfigNode header = node.child("max_header_bytes");
  std::uint32_t max_header = 0;
  if (read_into(header, max_header)) {
    if (max_header < kMinHeaderBytes || max_header > kMaxHeaderBytes) {
      header.error(fmt::format("server.max_header_bytes must be between {} and {}, got {}",
                               kMinHeaderBytes, kMaxHeaderBytes, max_header));
    } else {
      server.max_header_bytes = max_header;
    }
  }
  read_timeout(node.child("request_header_timeout_ms"), server.request_header_timeout);
  read_timeout(node.child("request_body_timeout_ms"), server.request_body_timeout);
  read_timeout(node.child("idle_timeout_ms"), server.idle_timeout);
  read_timeout(node.child("drain_timeout_ms"), server.drain_timeout);
  const ConfigNode threads = node.child("io_threads");
  std::uint32_t io_threads = 0;
  if (read_into(threads, io_threads)) {
    if (io_threads > kMaxIoThreads) {
      threads.error(fmt::format("server.io_threads must be between 0 (one per CPU core) and {}, "
                                "got {}",
                                kMaxIoThreads, io_threads));
    } else {
      server.io_threads = io_threads;
    }
  }
}

}  // namespace

ServerConfig read_server(const ConfigNode& node) {
  ServerConfig server;
  if (!node.expect_map()) return server;
  node.check_keys({"bind", "log_format", "otel_endpoint", "otel_metrics_endpoint",
                   "otel_trace_sample_ratio", "otel_export_interval_secs", "max_body_bytes",
                   "max_header_bytes", "request_header_timeout_ms", "request_body_timeout_ms",
                   "idle_timeout_ms", "drain_timeout_ms", "io_threads", "admin_bind",
                   "log_level"},
                  UnknownKeys::kWarn);
  read_bind(node.child("bind"), server);
  read_admin_bind(node.child("admin_bind"), server);
  read_log_level(node.child("log_level"), server);
  read_into(node.child("log_format"), server.log_format);
  read_otel_uri(node.child("otel_endpoint"), server.otel_endpoint);
  read_otel_uri(node.child("otel_metrics_endpoint"), server.otel_metrics_endpoint);
  const ConfigNode ratio = node.child("otel_trace_sample_ratio");
  double sample_ratio = 0;
  if (read_into(ratio, sample_ratio)) {
    // Written so that NaN fails too.
    if (!(sample_ratio >= 0.0 && sample_ratio <= 1.0)) {
      ratio.error("server.otel_trace_sample_ratio must be between 0.0 and 1.0 inclusive");
    } else {
      server.otel_trace_sample_ratio = sample_ratio;
    }
  }
  read_into(node.child("otel_export_interval_secs"), server.otel_export_interval_secs);
  read_listener_limits(node, server);
  return server;
}

DatabaseConfig read_database(const ConfigNode& node, const ValueResolver& values) {
  DatabaseConfig database;
  if (!node.expect_map()) return database;
  node.check_keys({"kind", "path", "url", "max_connections"}, UnknownKeys::kWarn);
  const ConfigNode url = node.child("url");
  database.url = values.secret(url);
  // The reference infers the kind from whether a URL is written, not from whether it resolved.
  database.kind = url.present() ? DatabaseKind::kPostgres : DatabaseKind::kLibsql;
  const ConfigNode kind = node.child("kind");
  std::string kind_text;
  if (read_into(kind, kind_text)) {
    if (const auto parsed = enum_from_string<DatabaseKind>(kind_text)) {
      database.kind = *parsed;
    } else {
      kind.error(fmt::format("unsupported database.kind `{}`; use libsql or postgres", kind_text));
    }
  }
  if (database.kind == DatabaseKind::kPostgres && !url.present()) {
    url.error("database.url is required when database.kind=postgres");
  }
  if (database.kind == DatabaseKind::kLibsql && url.present()) {
    url.warning("database.url is ignored when database.kind=libsql");
  }
  read_into(node.child("path"), database.path);
  read_into(node.child("max_connections"), database.max_connections);
  return database;
}

}  // namespace sluice::config
