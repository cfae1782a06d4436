// Store: the gateway's database, as operations a coroutine can await.
//
// Every operation of StoreQueries, run on the StoreExecutor's store threads and awaited from an I/O
// thread without blocking it: `auto id = co_await store.insert_request_log(log);`. Operations that
// startup and the command line need (seeding the config's teams, service accounts, users, keys and
// budgets; listing an owner's keys) also have a blocking `_sync` form. Results are Expected values;
// a store error is already the GatewayError api/ renders (503 store_error, 409 conflict).
//
// open() picks the backend from database.kind — SQLite at database.path with one store thread,
// Postgres at database.url with database.max_connections — and applies the migrations before it
// returns, so a Store that exists has the current schema.
#pragma once

#include "config/GatewayConfig.h"
#include "store/StoreExecutor.h"
#include "store/StoreQueries.h"
#include "store/StoreRecords.h"

#include <boost/asio/awaitable.hpp>

#include <memory>

namespace sluice::store {

class Store {
 public:
  template <typename T>
  using Async = boost::asio::awaitable<Expected<T>>;

  // The executor and its connections for `database`, with migrations applied.
  static Expected<std::unique_ptr<Store>> open(
      const config::DatabaseConfig& database,
      std::size_t queue_capacity = StoreExecutor::kDefaultQueueCapacity);
  // A Store over connections the caller provides (tests, tools); applies migrations.
  static Expected<std::unique_ptr<Store>> open(
      StoreExecutor::ConnectionFactory connect, std::size_t threads,
      std::size_t queue_capacity = StoreExecutor::kDefaultQueueCapacity);

  StoreExecutor& executor() { return *executor_; }

  // --- identity
  Async<Done> upsert_team(TeamRecord team);
  Async<Done> upsert_service_account(ServiceAccountRecord account);
  Async<std::int64_t> upsert_user(UserRecord user);
  Async<std::int64_t> upsert_api_key(ApiKeyRecord key);
  Async<std::optional<ApiKeyRecord>> find_api_key(std::string public_id);
  Async<bool> revoke_api_key(std::int64_t key_id, UnixMillis at);
  Async<std::vector<ApiKeyRecord>> list_api_keys(Principal owner);
  Async<std::vector<CallerKeyRecord>> list_caller_keys();
  Async<std::int64_t> upsert_budget(BudgetRecord budget);

  Status upsert_team_sync(const TeamRecord& team);
  Status upsert_service_account_sync(const ServiceAccountRecord& account);
  Expected<std::int64_t> upsert_user_sync(const UserRecord& user);
  Expected<std::int64_t> upsert_api_key_sync(const ApiKeyRecord& key);
  Expected<std::vector<ApiKeyRecord>> list_api_keys_sync(const Principal& owner);
  Expected<std::optional<UserRecord>> find_user_sync(const std::string& email);
  Expected<std::vector<CallerKeyRecord>> list_caller_keys_sync();
  Expected<std::int64_t> upsert_budget_sync(const BudgetRecord& budget);

  // --- accounting
  Async<std::int64_t> insert_usage(std::vector<UsageRecord> rows);
  Async<config::Money4> sum_cost(SpendQuery query);
  Async<bool> insert_budget_alert(BudgetAlertRecord alert);
  Async<std::vector<BudgetAlertRecord>> list_undelivered_alerts(std::int64_t limit);
  Async<Done> mark_alert_delivered(std::int64_t alert_id, UnixMillis at);

  // --- request logs
  Async<std::int64_t> insert_request_log(RequestLogRecord log);
  Async<std::int64_t> purge_request_logs(UnixMillis cutoff);
  Async<std::vector<RequestLogRecord>> list_request_logs(RequestLogQuery query);

 private:
  explicit Store(std::unique_ptr<StoreExecutor> executor) : executor_(std::move(executor)) {}

  std::unique_ptr<StoreExecutor> executor_;
};

}  // namespace sluice::store
