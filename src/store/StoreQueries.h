// StoreQueries: every store operation as a plain function over one StoreConnection.
//
// This is the SQL: one function per operation, each either wholly done or (inside its transaction)
// not done at all. They block, so they run on a store thread: Store wraps each in a StoreExecutor
// job for coroutines, and startup or the command line may call them through run_sync(). The SQL
// is written once for both backends (`?` placeholders, INSERT … ON CONFLICT, RETURNING).
#pragma once

#include "store/StoreConnection.h"
#include "store/StoreRecords.h"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace sluice::store::queries {

// --- identity: seeded from the config at startup, by key; rows the config omits stay as they are.

Status upsert_team(StoreConnection& connection, const TeamRecord& team);
Status upsert_service_account(StoreConnection& connection, const ServiceAccountRecord& account);
// By email; returns the user's id. created_at and status are kept from the first insert.
Expected<std::int64_t> upsert_user(StoreConnection& connection, const UserRecord& user);
// The user with this (lower-cased) email; nullopt when there is none.
Expected<std::optional<UserRecord>> find_user(StoreConnection& connection, std::string_view email);

// With a config_key_id: inserts, or updates the key the owner already has under that id (its
// public id, hash, name and secret; created_at and revoked_at stay). Without one: inserts a new
// key. Either way the grants become exactly `key.granted_models`. Returns the key's id. A public id
// that another key already uses is a 409 conflict.
Expected<std::int64_t> upsert_api_key(StoreConnection& connection, const ApiKeyRecord& key);
// The key with this public id, revoked or not, with its grants; nullopt when there is none.
Expected<std::optional<ApiKeyRecord>> find_api_key(StoreConnection& connection,
                                                   std::string_view public_id);
// Marks the key revoked at `at`; false when there is no such key or it was already revoked.
Expected<bool> revoke_api_key(StoreConnection& connection, std::int64_t key_id, UnixMillis at);
// The owner's keys, oldest first, with their grants.
Expected<std::vector<ApiKeyRecord>> list_api_keys(StoreConnection& connection,
                                                  const Principal& owner);

// Every key, revoked or not, with its grants, its owner's team and whether the owner is switched
// off (a deactivated user, a disabled service account): what KeyDirectory indexes. Two queries,
// whatever the number of keys, so a periodic refresh stays cheap.
Expected<std::vector<CallerKeyRecord>> list_caller_keys(StoreConnection& connection);

// By (scope, principal, model); returns the budget's id.
Expected<std::int64_t> upsert_budget(StoreConnection& connection, const BudgetRecord& budget);

// --- accounting

// All rows in one transaction. A request id already in the ledger is skipped, so a batch retried
// after an unclear failure is not counted twice. Returns how many rows were new.
Expected<std::int64_t> insert_usage(StoreConnection& connection,
                                    const std::vector<UsageRecord>& rows);
// Sum of priced cost for the query's principal (and model) with occurred_at in [from, to).
Expected<config::Money4> sum_cost(StoreConnection& connection, const SpendQuery& query);

// Inserts the alert unless (budget, window, threshold) already has one; true when it was new.
Expected<bool> insert_budget_alert(StoreConnection& connection, const BudgetAlertRecord& alert);
// Oldest first, at most `limit`; abandoned alerts are not listed.
Expected<std::vector<BudgetAlertRecord>> list_undelivered_alerts(StoreConnection& connection,
                                                                 std::int64_t limit);
Status mark_alert_delivered(StoreConnection& connection, std::int64_t alert_id, UnixMillis at);
// Counts a failed delivery and keeps `error`; once the alert has `max_attempts` failures it is
// abandoned at `at`. Returns the failures so far.
Expected<int> record_alert_failure(StoreConnection& connection, std::int64_t alert_id,
                                   std::string_view error, UnixMillis at, int max_attempts);
// The budget with this id; nullopt when there is none.
Expected<std::optional<BudgetRecord>> find_budget(StoreConnection& connection, std::int64_t id);
// Who hears about `budget`'s alerts. A user or user-model budget: that user. A service-account
// budget: the users with team_role owner or admin in the account's team, or, when the team has
// none, every platform_admin user. Empty when none of those exist (the caller picks a fallback).
Expected<BudgetAlertAudience> budget_alert_audience(StoreConnection& connection,
                                                    const BudgetRecord& budget);

// --- request logs

// The summary row, its attempts and its payload (when present) in one transaction; returns its id.
// A request id logged twice is a 409 conflict.
Expected<std::int64_t> insert_request_log(StoreConnection& connection, const RequestLogRecord& log);
// Deletes logs (with their attempts and payloads) that occurred before `cutoff`; returns how many.
Expected<std::int64_t> purge_request_logs(StoreConnection& connection, UnixMillis cutoff);
// Newest first, filtered and paged as the query says, each with its ledger row's cost and pricing
// status (none when the request reached no route).
Expected<std::vector<RequestLogRecord>> list_request_logs(StoreConnection& connection,
                                                          const RequestLogQuery& query);
// The log with this id, with its attempts (in order), payload and price; nullopt when there is none
// or it lies outside `scope`.
Expected<std::optional<RequestLogRecord>> find_request_log(StoreConnection& connection,
                                                           std::int64_t id,
                                                           const PrincipalScope& scope);

}  // namespace sluice::store::queries
