// Accounting: what the request path calls for budgets and spend — admit() before the upstream call
// (api.md §4 step 7) and record() once the caller has its answer (§4 step 9).
//
// record() prices the request's usage (the route's pricing_override, else the catalog under the
// route's pricing provider; no rates → `unpriced`, no usage → `usage_missing`; Pricing.h), settles
// the request's budgets with the cost (nothing for unpriced or usage_missing requests, §8), and
// queues a usage-ledger row (for every request that reached an upstream route), a request log (per
// request_logging.payloads.capture_mode) and any budget threshold alerts on the LedgerWriter. The
// database is never awaited on that path: the only wait is for room in a full queue.
//
// Overshoot bound. Requests are admitted with a hold of zero (BudgetGuard.h): a request's cost is
// unknown until the upstream reports usage, and any estimate would refuse requests that fit. So a
// hard budget admits while committed spend < limit, and once the committed spend reaches the limit
// nothing more is admitted. The spend beyond the limit is therefore at most the cost of the
// requests that were already in flight when the limit was crossed (the crossing one included).
#pragma once

#include "access/CallerKeyRegistry.h"
#include "config/GatewayConfig.h"
#include "core/Expected.h"
#include "core/SharedSnapshot.h"
#include "ledger/BudgetEnforcer.h"
#include "ledger/LedgerWriter.h"
#include "ledger/Pricing.h"
#include "ledger/PriceCatalog.h"
#include "ledger/RequestLogBuilder.h"
#include "ledger/RequestRecord.h"

#include <boost/asio/awaitable.hpp>

#include <chrono>
#include <memory>
#include <optional>
#include <string>

namespace sluice::observability {
class GatewayMetrics;
}

namespace sluice::ledger {

class Accounting {
 public:
  struct Options {
    LedgerWriter::Options writer;
    BudgetEnforcer::Clock clock = std::chrono::system_clock::now;
    std::filesystem::path zoneinfo_dir = TimeZone::kSystemZoneinfoDir;
  };

  Accounting(std::shared_ptr<const config::GatewayConfig> config,
             std::shared_ptr<store::Store> store, std::shared_ptr<const PriceCatalog> catalog,
             observability::GatewayMetrics* metrics, Options options);
  Accounting(std::shared_ptr<const config::GatewayConfig> config,
             std::shared_ptr<store::Store> store, std::shared_ptr<const PriceCatalog> catalog,
             observability::GatewayMetrics* metrics)
      : Accounting(std::move(config), std::move(store), std::move(catalog), metrics, Options{}) {}

  // Checks the hard budgets that bind `principal` calling `model` (the resolved model id):
  // 429 budget_exceeded when one is spent, the store's 503 when spend cannot be read.
  boost::asio::awaitable<Expected<BudgetAdmission>> admit(access::Principal principal,
                                                          std::string model);

  // Prices, settles and queues everything `record` leads to. `admission` is what admit() gave the
  // request (nullopt when it never got that far).
  boost::asio::awaitable<void> record(RequestRecord record,
                                      std::optional<BudgetAdmission> admission);

  // What record() would charge: exposed for the admin views and tests.
  Charge price(const RequestRecord& record) const;

  // A reloaded configuration: its budgets, request-logging rules and users apply to requests from
  // now on. Spend and queued writes carry over.
  void reconfigure(std::shared_ptr<const config::GatewayConfig> config);

  // Writes what is queued, waiting at most until `deadline`; true when nothing was lost.
  bool shutdown(std::chrono::steady_clock::time_point deadline);

  LedgerWriter& writer() { return writer_; }
  BudgetEnforcer& budgets() { return enforcer_; }

 private:
  static bool user_allows_logging(const config::GatewayConfig& config,
                                  const access::Principal& principal);
  store::UsageRecord ledger_row(const RequestRecord& record, const Charge& charge) const;

  // What a reload can change: the configuration (users' logging switches) and the request-log
  // rules built from it.
  struct Settings {
    std::shared_ptr<const config::GatewayConfig> config;
    RequestLogBuilder log_builder;
  };
  static std::shared_ptr<const Settings> settings_for(std::shared_ptr<const config::GatewayConfig> config);

  SharedSnapshot<const Settings> settings_;
  std::shared_ptr<const PriceCatalog> catalog_;
  BudgetEnforcer enforcer_;
  LedgerWriter writer_;
};

}  // namespace sluice::ledger
