// sluice: the gateway's command line.
//   sluice serve --config FILE          run the gateway
//   sluice check-config --config FILE   validate a configuration and summarise it
//   sluice keys generate                print a new gateway API key
//   sluice migrate --config FILE        bring the database's schema up to date
//   sluice seed --config FILE           migrate, then seed the config's identities (docs/identity.md)
#include "access/ApiKeyMint.h"
#include "access/KeyDirectory.h"
#include "access/IdentitySeeder.h"
#include "access/KeySecretCipher.h"
#include "api/AdminRouter.h"
#include "api/ApiRouter.h"
#include "console/ConsoleRouter.h"
#include "api/ConfigReload.h"
#include "api/GatewayState.h"
#include "api/GenerationEndpoint.h"
#include "config/ConfigLoader.h"
#include "config/ConfigSummary.h"
#include "ledger/Accounting.h"
#include "ledger/AlertMailer.h"
#include "ledger/BundledPriceCatalog.h"
#include "ledger/LogPurge.h"
#include "observability/AccessLog.h"
#include "store/Store.h"
#include "observability/GatewayMetrics.h"
#include "observability/JsonLogFormatter.h"
#include "observability/OtlpExporter.h"
#include "observability/PrometheusText.h"
#include "observability/RequestMetrics.h"
#include "observability/Telemetry.h"
#include "server/HttpServer.h"
#include "store/Migrations.h"
#include "store/Store.h"

#include <CLI/CLI.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/json/serialize.hpp>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include <csignal>
#include <cstdlib>
#include <functional>
#include <iostream>
#include <thread>
#include <utility>

namespace {

using namespace sluice;

void use_stderr_for_diagnostics() {
  auto logger = spdlog::stderr_color_mt("sluice");
  logger->set_pattern("%Y-%m-%dT%H:%M:%S.%eZ %^%l%$ %v", spdlog::pattern_time_type::utc);
  spdlog::set_default_logger(std::move(logger));
}

// Loads a default chain's credentials once at start-up, so the log says which source it settled on
// (or why none worked) before the first request needs them. Never blocks start-up.
boost::asio::awaitable<void> prefetch_credentials(std::shared_ptr<auth::AwsCredentialCache> cache) {
  const auto credentials = co_await cache->get();
  if (!credentials) spdlog::warn("AWS credentials are not available yet: {}", credentials.error().message);
}

// server.log_level, unless SLUICE_LOG_LEVEL names a level (an operator's override at start).
void apply_log_level(const std::string& configured) {
  std::string level = configured;
  if (const char* from_env = std::getenv("SLUICE_LOG_LEVEL"); from_env != nullptr && *from_env) {
    level = from_env;
  }
  const auto parsed = spdlog::level::from_str(level);
  // from_str answers `off` for a word it does not know; silence is never what a typo meant.
  if (parsed == spdlog::level::off && level != "off") {
    spdlog::warn("unknown log level `{}`; using info", level);
    spdlog::set_level(spdlog::level::info);
    return;
  }
  spdlog::set_level(parsed);
}

void print_diagnostics(const config::LoadResult& result, std::ostream& out) {
  for (const auto& error : result.errors) out << "error: " << error.to_string() << '\n';
  for (const auto& warning : result.warnings) out << "warning: " << warning.to_string() << '\n';
}

int check_config(const std::string& path, const std::string& format) {
  const auto result = config::load_config_file(path);
  if (format == "json") {
    std::cout << boost::json::serialize(config::summary_json(result)) << '\n';
    return result.ok() ? 0 : 1;
  }
  print_diagnostics(result, std::cerr);
  if (!result.ok()) {
    std::cerr << "invalid gateway configuration: " << result.errors.size() << " error(s) in " << path
              << '\n';
    return 1;
  }
  std::cout << config::summary_text(*result.config);
  return 0;
}

// The configured database with its migrations applied, or nullptr after printing why not.
std::unique_ptr<store::Store> open_store(const std::string& path,
                                         std::shared_ptr<const config::GatewayConfig>& config) {
  const auto result = config::load_config_file(path);
  if (!result.ok()) {
    print_diagnostics(result, std::cerr);
    std::cerr << "invalid gateway configuration: " << result.errors.size() << " error(s) in " << path
              << '\n';
    return nullptr;
  }
  config = result.config;
  auto opened = store::Store::open(config->database);
  if (!opened) {
    std::cerr << "cannot open the database: " << opened.error().message << '\n';
    return nullptr;
  }
  return std::move(*opened);
}

int migrate(const std::string& path) {
  std::shared_ptr<const config::GatewayConfig> config;
  const auto database = open_store(path, config);
  if (!database) return 1;
  const auto version = database->executor().run_sync<std::int64_t>(
      [](store::StoreConnection& connection) { return store::schema_version(connection); });
  if (!version) {
    std::cerr << "cannot read the schema version: " << version.error().message << '\n';
    return 1;
  }
  std::cout << "schema version " << *version << '\n';
  return 0;
}

int seed(const std::string& path) {
  std::shared_ptr<const config::GatewayConfig> config;
  const auto database = open_store(path, config);
  if (!database) return 1;
  const auto cipher = access::KeySecretCipher::from_environment();
  if (!cipher) {
    std::cerr << cipher.error().message << '\n';
    return 1;
  }
  const auto summary = access::seed_identities(*config, *database, *cipher);
  if (!summary) {
    std::cerr << "seeding failed: " << summary.error().message << '\n';
    return 1;
  }
  std::cout << "seeded: " << summary->to_string() << '\n';
  return 0;
}

// Metrics always; traces and OTLP metrics export when server.otel_* names a collector.
struct TelemetrySetup {
  std::shared_ptr<observability::Telemetry> telemetry;
  std::shared_ptr<observability::OtlpExporter> exporter;  // null without an OTLP endpoint
};

TelemetrySetup start_telemetry(const config::ServerConfig& server) {
  TelemetrySetup setup;
  setup.telemetry = std::make_shared<observability::Telemetry>();
  auto metrics = std::make_shared<observability::GatewayMetrics>(SLUICE_VERSION);
  setup.telemetry->metrics = metrics;
  if (auto options = observability::OtlpExporterOptions::from_config(server, SLUICE_VERSION)) {
    const bool traces = !options->traces_url.empty();
    setup.exporter = std::make_shared<observability::OtlpExporter>(
        std::move(*options), [metrics] { return metrics->snapshot(); });
    if (traces) {
      setup.telemetry->tracer = std::make_shared<observability::Tracer>(
          server.otel_trace_sample_ratio, setup.exporter);
    }
  }
  return setup;
}

// sluice_circuit_breaker_state: the breakers of whichever configuration is current.
std::vector<observability::CircuitBreakerReading> breaker_readings(const api::ActiveState& active) {
  std::vector<observability::CircuitBreakerReading> readings;
  const auto state = active.current();
  for (const auto& model : state->config->models) {
    for (const auto& route : model.routes) {
      const auto reading = state->breaker_for(route).state();
      const int value = reading == routing::CircuitBreaker::State::kClosed     ? 0
                        : reading == routing::CircuitBreaker::State::kHalfOpen ? 1
                                                                               : 2;
      readings.push_back({route.provider + "/" + route.upstream_model, value});
    }
  }
  return readings;
}

int serve(const std::string& path) {
  const auto result = config::load_config_file(path);
  for (const auto& warning : result.warnings) spdlog::warn("config: {}", warning.to_string());
  if (!result.ok()) {
    for (const auto& error : result.errors) spdlog::error("config: {}", error.to_string());
    spdlog::error("invalid gateway configuration: {} error(s) in {}", result.errors.size(), path);
    return 1;
  }
  const auto& server_config = result.config->server;
  apply_log_level(server_config.log_level);
  if (server_config.log_format == "json") {
    spdlog::default_logger()->set_formatter(std::make_unique<observability::JsonLogFormatter>());
  }
  auto state = std::make_shared<const api::GatewayState>(result.config);
  auto active = std::make_shared<api::ActiveState>(state);
  const TelemetrySetup telemetry = start_telemetry(server_config);
  const auto& metrics = telemetry.telemetry->metrics;
  metrics->record_config_reload(true);
  metrics->set_circuit_breaker_source([active] { return breaker_readings(*active); });
  // The store (created and migrated on first start), then what writes to it behind the responses.
  auto opened = store::Store::open(result.config->database);
  if (!opened) {
    spdlog::error("cannot open the database: {}", opened.error().message);
    return 1;
  }
  std::shared_ptr<store::Store> store = std::move(*opened);

  // Teams, service accounts, users, keys and budgets from the file into the store (upserts; rows
  // the file does not list are left alone), then the store's keys as the ones callers may use.
  const auto cipher = access::KeySecretCipher::from_environment();
  if (!cipher) {
    spdlog::error("{}", cipher.error().message);
    return 1;
  }
  if (const auto seeded = access::seed_identities(*result.config, *store, *cipher); !seeded) {
    spdlog::error("seeding identities from {} failed: {}", path, seeded.error().message);
    return 1;
  } else {
    spdlog::info("identities seeded: {}", seeded->to_string());
  }
  auto key_directory = std::make_shared<access::KeyDirectory>(*store);
  if (const auto loaded = key_directory->refresh(); !loaded) {
    spdlog::error("cannot load caller keys from the database: {}", loaded.error().message);
    return 1;
  }

  auto catalog = ledger::load_price_catalog();
  if (!catalog) {
    spdlog::error("{}", catalog.error().message);
    return 1;
  }
  auto accounting =
      std::make_shared<ledger::Accounting>(result.config, store, *catalog, metrics.get());
  ledger::AlertMailer alert_mailer(*store, ledger::AlertMailerOptions::from(*result.config));
  alert_mailer.start();
  ledger::LogPurge log_purge(*store, result.config->request_logging.purge);
  log_purge.start();

  // The admin console (API and UI) shares the listener; the UI's files are read once, here.
  auto console_services = std::unique_ptr<console::ConsoleServices>(new console::ConsoleServices{
      *store, active, key_directory, *cipher, {}, {},
      console::UiAssets::load(console::UiAssets::default_directory()), *catalog});
  if (console_services->ui.empty()) {
    spdlog::warn("admin UI: no built files in {} (run `npm run build` in web/); /admin/ answers 404",
                 console_services->ui.directory());
  } else {
    spdlog::info("admin UI: {} files from {}", console_services->ui.size(),
                 console_services->ui.directory());
  }
  auto console_router = std::make_shared<console::ConsoleRouter>(std::move(console_services));
  auto router = std::make_shared<api::ApiRouter>(active, telemetry.telemetry, accounting,
                                                 key_directory, console_router);
  auto access_log = observability::AccessLog::to_stdout();
  metrics->set_queue_depth_source("access_log", [access_log] { return access_log->queue_depth(); });
  const std::function<std::string()> render_metrics = [metrics] {
    return observability::render_prometheus(metrics->snapshot());
  };

  // Signals are caught by a set created before any I/O thread starts, and handled here.
  boost::asio::io_context signal_io(1);
  boost::asio::signal_set signals(signal_io, SIGINT, SIGTERM, SIGHUP);
  std::signal(SIGPIPE, SIG_IGN);

  // Credential prefetches run on the signal thread, for the first state and each reloaded one.
  // Each new state's credential caches report their refreshes and start loading at once; a
  // reloaded file's identities are seeded and its keys take effect (this runs on the signal or
  // admin thread, never an I/O thread).
  const auto on_state_loaded = [&signal_io, metrics, store, key_directory, accounting, &cipher,
                             first = std::make_shared<bool>(true)](
                                const std::shared_ptr<const api::GatewayState>& loaded) {
    if (!std::exchange(*first, false)) {
      if (const auto seeded = access::seed_identities(*loaded->config, *store, *cipher); !seeded) {
        spdlog::error("config reload: seeding identities failed: {}", seeded.error().message);
      }
      if (const auto refreshed = key_directory->refresh(); !refreshed) {
        spdlog::error("config reload: caller keys not refreshed: {}", refreshed.error().message);
      }
      accounting->reconfigure(loaded->config);
    }
    for (const auto& [provider_id, cache] : loaded->credential_caches()) {
      cache->set_refresh_observer([metrics, provider = provider_id](bool ok) {
        metrics->record_credential_refresh(provider, ok ? "success" : "failure");
      });
      boost::asio::co_spawn(signal_io, prefetch_credentials(cache), boost::asio::detached);
    }
  };
  auto reloader = std::make_shared<api::ConfigReloader>(
      path, active, on_state_loaded,
      [metrics](const api::ReloadOutcome& outcome) { metrics->record_config_reload(outcome.applied); });

  server::HttpServer server(server::ServerLimits::from_config(server_config), router, access_log);
  server.set_request_observer([metrics](const observability::AccessLogRecord& record) {
    observability::record_answered_request(*metrics, record);
  });
  const unsigned threads = server_config.io_threads != 0
                               ? server_config.io_threads
                               : std::max(1u, std::thread::hardware_concurrency());
  try {
    server.start(server_config.bind_host, server_config.bind_port, threads,
                 api::prepare_upstream_client);
  } catch (const std::exception& error) {
    spdlog::error("cannot listen on {}: {}", server_config.bind, error.what());
    return 1;
  }
  spdlog::info("sluice listening on {}:{} with {} I/O threads: {} providers, {} models, {} caller keys",
               server_config.bind_host, server.port(), threads, result.config->providers.size(),
               result.config->models.size(), key_directory->current()->size());

  // The operator's listener: one thread of its own, so a slow reload never holds up callers.
  std::unique_ptr<server::HttpServer> admin_server;
  if (server_config.admin_bind) {
    auto admin_router = std::make_shared<api::AdminRouter>(render_metrics, reloader,
                                                           [&server] { return server.draining(); });
    admin_server = std::make_unique<server::HttpServer>(
        server::ServerLimits::from_config(server_config), admin_router, access_log);
    try {
      admin_server->start(server_config.admin_bind_host, server_config.admin_bind_port, 1);
    } catch (const std::exception& error) {
      spdlog::error("cannot listen on admin_bind {}: {}", *server_config.admin_bind, error.what());
      server.begin_drain();
      server.stop();
      return 1;
    }
    spdlog::info("admin listener on {}:{} (GET /metrics, POST /admin/reload)",
                 server_config.admin_bind_host, admin_server->port());
  }

  on_state_loaded(state);
  // Keys created or revoked by another instance (or the admin API) arrive within this interval.
  key_directory->start_periodic_refresh(signal_io, std::chrono::seconds(30));
  // SIGHUP reloads the configuration and keeps serving; SIGINT / SIGTERM drain and stop.
  int received = 0;
  std::function<void(const boost::system::error_code&, int)> on_signal =
      [&](const boost::system::error_code& error, int signal) {
        if (error) return;
        if (signal == SIGHUP) {
          spdlog::info("SIGHUP received: reloading {}", path);
          reloader->reload();
          signals.async_wait(on_signal);
          return;
        }
        received = signal;
      };
  signals.async_wait(on_signal);
  while (received == 0 && signal_io.run_one() != 0) {
  }

  spdlog::info("signal {} received: draining (up to {} ms)", received,
               server_config.drain_timeout.count());
  server.begin_drain();
  if (!server.wait_until_drained(server_config.drain_timeout)) {
    spdlog::warn("drain deadline passed with {} connection(s) still open; closing them",
                 server.open_connections());
  }
  server.stop();
  if (admin_server) {  // up until now, so /readyz could say "draining"
    admin_server->begin_drain();
    admin_server->wait_until_drained(std::chrono::seconds(1));
    admin_server->stop();
  }
  // What the last requests queued for the ledger is written before the store closes.
  if (!accounting->shutdown(std::chrono::steady_clock::now() + std::chrono::seconds(10))) {
    spdlog::error("some ledger rows could not be written before shutdown (see the errors above)");
  }
  key_directory->stop();
  log_purge.shutdown();
  alert_mailer.shutdown();
  if (telemetry.exporter) telemetry.exporter->shutdown(std::chrono::seconds(5));
  access_log->flush();
  spdlog::info("sluice stopped");
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  use_stderr_for_diagnostics();
  CLI::App app{"Sluice: an LLM gateway"};
  app.require_subcommand(1);

  std::string config_path;
  auto* serve_command = app.add_subcommand("serve", "Run the gateway");
  serve_command->add_option("-c,--config", config_path, "Configuration file (YAML)")->required();

  std::string check_format = "text";
  auto* check_command = app.add_subcommand("check-config", "Validate a configuration file");
  check_command->add_option("-c,--config", config_path, "Configuration file (YAML)")->required();
  check_command->add_option("--format", check_format, "Output format")
      ->check(CLI::IsMember({"text", "json"}));

  auto* keys_command = app.add_subcommand("keys", "Gateway API keys");
  keys_command->require_subcommand(1);
  auto* generate_command = keys_command->add_subcommand(
      "generate", "Print a new gateway API key (gwk_<public_id>.<secret>)");

  auto* migrate_command = app.add_subcommand("migrate", "Apply database migrations");
  migrate_command->add_option("-c,--config", config_path, "Configuration file (YAML)")->required();

  auto* seed_command =
      app.add_subcommand("seed", "Apply migrations and seed teams, accounts, users, keys, budgets");
  seed_command->add_option("-c,--config", config_path, "Configuration file (YAML)")->required();

  CLI11_PARSE(app, argc, argv);
  if (serve_command->parsed()) return serve(config_path);
  if (check_command->parsed()) return check_config(config_path, check_format);
  if (migrate_command->parsed()) return migrate(config_path);
  if (seed_command->parsed()) return seed(config_path);
  if (generate_command->parsed()) {
    std::cout << access::mint_api_key() << '\n';
    return 0;
  }
  return 2;
}
