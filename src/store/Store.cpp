#include "store/Store.h"

#include "store/Migrations.h"
#include "store/PostgresConnection.h"
#include "store/SqliteConnection.h"

#include <spdlog/spdlog.h>

namespace sluice::store {
namespace {

StoreExecutor::ConnectionFactory connection_factory(const config::DatabaseConfig& database) {
  if (database.kind == config::DatabaseKind::kPostgres) {
    // The loader guarantees url for postgres; the factory holds the Secret, not its text.
    config::Secret url = database.url.value_or(config::Secret{});
    return [url]() -> Expected<std::unique_ptr<StoreConnection>> {
      auto connection = PostgresConnection::open(url.reveal());
      if (!connection) return connection.error();
      return std::unique_ptr<StoreConnection>(std::move(*connection));
    };
  }
  return [path = database.path]() -> Expected<std::unique_ptr<StoreConnection>> {
    auto connection = SqliteConnection::open(path);
    if (!connection) return connection.error();
    return std::unique_ptr<StoreConnection>(std::move(*connection));
  };
}

}  // namespace

Expected<std::unique_ptr<Store>> Store::open(const config::DatabaseConfig& database,
                                             std::size_t queue_capacity) {
  // SQLite has a single writer: more threads would only queue on its lock.
  const std::size_t threads =
      database.kind == config::DatabaseKind::kPostgres ? database.max_connections : 1;
  return open(connection_factory(database), threads, queue_capacity);
}

Expected<std::unique_ptr<Store>> Store::open(StoreExecutor::ConnectionFactory connect,
                                             std::size_t threads, std::size_t queue_capacity) {
  std::unique_ptr<Store> store(
      new Store(std::make_unique<StoreExecutor>(std::move(connect), threads, queue_capacity)));
  auto applied = store->executor_->run_sync<int>(apply_migrations);
  if (!applied) return applied.error();
  if (*applied > 0) spdlog::info("store: applied {} schema migration(s)", *applied);
  return store;
}

// Each operation below hands its arguments, by value, to a job for a store thread.

Store::Async<Done> Store::upsert_team(TeamRecord team) {
  return executor_->run<Done>(
      [team = std::move(team)](StoreConnection& c) { return queries::upsert_team(c, team); });
}

Store::Async<Done> Store::upsert_service_account(ServiceAccountRecord account) {
  return executor_->run<Done>([account = std::move(account)](StoreConnection& c) {
    return queries::upsert_service_account(c, account);
  });
}

Store::Async<std::int64_t> Store::upsert_user(UserRecord user) {
  return executor_->run<std::int64_t>(
      [user = std::move(user)](StoreConnection& c) { return queries::upsert_user(c, user); });
}

Store::Async<std::int64_t> Store::upsert_api_key(ApiKeyRecord key) {
  return executor_->run<std::int64_t>(
      [key = std::move(key)](StoreConnection& c) { return queries::upsert_api_key(c, key); });
}

Store::Async<std::optional<ApiKeyRecord>> Store::find_api_key(std::string public_id) {
  return executor_->run<std::optional<ApiKeyRecord>>(
      [public_id = std::move(public_id)](StoreConnection& c) {
        return queries::find_api_key(c, public_id);
      });
}

Store::Async<bool> Store::revoke_api_key(std::int64_t key_id, UnixMillis at) {
  return executor_->run<bool>(
      [key_id, at](StoreConnection& c) { return queries::revoke_api_key(c, key_id, at); });
}

Store::Async<std::vector<ApiKeyRecord>> Store::list_api_keys(Principal owner) {
  return executor_->run<std::vector<ApiKeyRecord>>(
      [owner = std::move(owner)](StoreConnection& c) { return queries::list_api_keys(c, owner); });
}

Store::Async<std::vector<CallerKeyRecord>> Store::list_caller_keys() {
  return executor_->run<std::vector<CallerKeyRecord>>(
      [](StoreConnection& c) { return queries::list_caller_keys(c); });
}

Store::Async<std::int64_t> Store::upsert_budget(BudgetRecord budget) {
  return executor_->run<std::int64_t>([budget = std::move(budget)](StoreConnection& c) {
    return queries::upsert_budget(c, budget);
  });
}

Status Store::upsert_team_sync(const TeamRecord& team) {
  return executor_->run_sync<Done>(
      [&team](StoreConnection& c) { return queries::upsert_team(c, team); });
}

Status Store::upsert_service_account_sync(const ServiceAccountRecord& account) {
  return executor_->run_sync<Done>(
      [&account](StoreConnection& c) { return queries::upsert_service_account(c, account); });
}

Expected<std::int64_t> Store::upsert_user_sync(const UserRecord& user) {
  return executor_->run_sync<std::int64_t>(
      [&user](StoreConnection& c) { return queries::upsert_user(c, user); });
}

Expected<std::int64_t> Store::upsert_api_key_sync(const ApiKeyRecord& key) {
  return executor_->run_sync<std::int64_t>(
      [&key](StoreConnection& c) { return queries::upsert_api_key(c, key); });
}

Expected<std::vector<ApiKeyRecord>> Store::list_api_keys_sync(const Principal& owner) {
  return executor_->run_sync<std::vector<ApiKeyRecord>>(
      [&owner](StoreConnection& c) { return queries::list_api_keys(c, owner); });
}

Expected<std::optional<UserRecord>> Store::find_user_sync(const std::string& email) {
  return executor_->run_sync<std::optional<UserRecord>>(
      [&email](StoreConnection& c) { return queries::find_user(c, email); });
}

Expected<std::vector<CallerKeyRecord>> Store::list_caller_keys_sync() {
  return executor_->run_sync<std::vector<CallerKeyRecord>>(
      [](StoreConnection& c) { return queries::list_caller_keys(c); });
}

Expected<std::int64_t> Store::upsert_budget_sync(const BudgetRecord& budget) {
  return executor_->run_sync<std::int64_t>(
      [&budget](StoreConnection& c) { return queries::upsert_budget(c, budget); });
}

Store::Async<std::int64_t> Store::insert_usage(std::vector<UsageRecord> rows) {
  return executor_->run<std::int64_t>(
      [rows = std::move(rows)](StoreConnection& c) { return queries::insert_usage(c, rows); });
}

Store::Async<config::Money4> Store::sum_cost(SpendQuery query) {
  return executor_->run<config::Money4>(
      [query = std::move(query)](StoreConnection& c) { return queries::sum_cost(c, query); });
}

Store::Async<bool> Store::insert_budget_alert(BudgetAlertRecord alert) {
  return executor_->run<bool>(
      [alert](StoreConnection& c) { return queries::insert_budget_alert(c, alert); });
}

Store::Async<std::vector<BudgetAlertRecord>> Store::list_undelivered_alerts(std::int64_t limit) {
  return executor_->run<std::vector<BudgetAlertRecord>>(
      [limit](StoreConnection& c) { return queries::list_undelivered_alerts(c, limit); });
}

Store::Async<Done> Store::mark_alert_delivered(std::int64_t alert_id, UnixMillis at) {
  return executor_->run<Done>([alert_id, at](StoreConnection& c) {
    return queries::mark_alert_delivered(c, alert_id, at);
  });
}

Store::Async<std::int64_t> Store::insert_request_log(RequestLogRecord log) {
  return executor_->run<std::int64_t>(
      [log = std::move(log)](StoreConnection& c) { return queries::insert_request_log(c, log); });
}

Store::Async<std::int64_t> Store::purge_request_logs(UnixMillis cutoff) {
  return executor_->run<std::int64_t>(
      [cutoff](StoreConnection& c) { return queries::purge_request_logs(c, cutoff); });
}

Store::Async<std::vector<RequestLogRecord>> Store::list_request_logs(RequestLogQuery query) {
  return executor_->run<std::vector<RequestLogRecord>>(
      [query = std::move(query)](StoreConnection& c) {
        return queries::list_request_logs(c, query);
      });
}

}  // namespace sluice::store
