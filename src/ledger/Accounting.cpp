#include "ledger/Accounting.h"

#include "store/Store.h"

namespace sluice::ledger {

namespace asio = boost::asio;

Accounting::Accounting(std::shared_ptr<const config::GatewayConfig> config,
                       std::shared_ptr<store::Store> store,
                       std::shared_ptr<const PriceCatalog> catalog,
                       observability::GatewayMetrics* metrics, Options options)
    : settings_(settings_for(config)),
      catalog_(std::move(catalog)),
      enforcer_(std::move(config), store, std::move(options.clock), std::move(options.zoneinfo_dir)),
      writer_(std::move(store), options.writer, metrics) {}

std::shared_ptr<const Accounting::Settings> Accounting::settings_for(
    std::shared_ptr<const config::GatewayConfig> config) {
  RequestLogBuilder builder(config->request_logging);
  return std::make_shared<const Settings>(Settings{std::move(config), std::move(builder)});
}

void Accounting::reconfigure(std::shared_ptr<const config::GatewayConfig> config) {
  settings_.replace(settings_for(config));
  enforcer_.reconfigure(std::move(config));
}

asio::awaitable<Expected<BudgetAdmission>> Accounting::admit(access::Principal principal,
                                                             std::string model) {
  auto admit = enforcer_.admit(std::move(principal), std::move(model));
  Expected<BudgetAdmission> admission = co_await std::move(admit);
  co_return admission;
}

Charge Accounting::price(const RequestRecord& record) const {
  if (!record.usage.present) return {PricingStatus::kUsageMissing, {}};
  if (record.route == nullptr || record.provider == nullptr) return {PricingStatus::kUnpriced, {}};
  const auto key = catalog_key_for(*record.provider, record.route->upstream_model);
  const PriceCatalog empty_catalog;
  const PriceCatalog& catalog = catalog_ ? *catalog_ : empty_catalog;
  return charge_for(record.usage, rates_for(*record.route, key, catalog));
}

asio::awaitable<void> Accounting::record(RequestRecord record,
                                         std::optional<BudgetAdmission> admission) {
  // Everything that reads the record's route and provider (config the request ran on) happens
  // before the first suspension.
  const Charge charge = price(record);
  std::vector<store::BudgetAlertRecord> alerts;
  if (admission) {
    const bool priced = charge.status == PricingStatus::kPriced;
    alerts = enforcer_.settle(*admission, priced ? charge.cost : config::Money4{});
  }
  std::optional<store::UsageRecord> row;
  if (record.route != nullptr) row = ledger_row(record, charge);
  const std::shared_ptr<const Settings> settings = settings_.current();
  std::optional<store::RequestLogRecord> log = settings->log_builder.build(
      record, user_allows_logging(*settings->config, record.principal));

  if (row) {
    LedgerWriter::Item item{std::move(*row)};
    co_await writer_.submit(std::move(item));
  }
  if (log) {
    LedgerWriter::Item item{std::move(*log)};
    co_await writer_.submit(std::move(item));
  }
  for (auto& alert : alerts) {
    LedgerWriter::Item item{std::move(alert)};
    co_await writer_.submit(std::move(item));
  }
}

bool Accounting::shutdown(std::chrono::steady_clock::time_point deadline) {
  const bool written = writer_.shutdown(deadline);
  return written && writer_.lost_items() == 0;
}

bool Accounting::user_allows_logging(const config::GatewayConfig& config,
                                     const access::Principal& principal) {
  if (principal.kind != access::PrincipalKind::kUser) return true;
  for (const auto& user : config.users) {
    if (user.email == principal.id) return user.request_logging_enabled;
  }
  return true;
}

store::UsageRecord Accounting::ledger_row(const RequestRecord& record, const Charge& charge) const {
  store::UsageRecord row;
  row.request_id = record.request_id;
  row.occurred_at = record.occurred_at_unix_ms;
  row.principal = to_store_principal(record.principal);
  row.requested_model = record.requested_model;
  row.resolved_model = record.resolved_model;
  row.route = record.route_name;
  row.provider = record.provider != nullptr ? record.provider->id : std::string();
  if (record.usage.present) {
    row.input_tokens = record.usage.input;
    row.output_tokens = record.usage.output;
    row.cache_read_tokens = record.usage.cached_input;
    row.cache_write_tokens = record.usage.cache_write_input;
    row.reasoning_tokens = record.usage.reasoning;
  }
  if (charge.status == PricingStatus::kPriced) row.cost = charge.cost;
  row.pricing_status = std::string(to_string(charge.status));
  row.latency_ms = static_cast<std::int64_t>(record.latency_ms);
  row.status = static_cast<int>(record.status);
  return row;
}

}  // namespace sluice::ledger
