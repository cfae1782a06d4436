// ConsoleJson: how the admin API writes the store's rows (docs/admin-api.md): one function per
// object, so every endpoint that returns a user (or a key, …) writes it the same way.
#pragma once

#include "store/ConsoleQueries.h"
#include "store/ConsoleSpendQueries.h"
#include "store/StoreRecords.h"

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include <optional>
#include <string>

namespace sluice::console {

boost::json::object user_json(const store::UserRecord& user);
// {id, public_id, name, owner: {kind, id, label}, models, managed, source, created_at, revoked_at,
// last_used_at}: never the secret or its hash.
boost::json::object key_json(const store::ApiKeyListing& listing);
// {id, name, members: [{user_id, email, name, role}], service_accounts: [ids]}
boost::json::object team_json(const store::TeamListing& team);
// {id, name, team_id, status: active|disabled, keys: count of unrevoked keys}
boost::json::object service_account_json(const store::ServiceAccountListing& account);

// Spend: totals are {cost_usd, requests, input_tokens, output_tokens}; a group or series entry adds
// its key (and, grouped by principal, the principal's kind).
boost::json::object spend_totals_json(const store::SpendTotals& totals);
boost::json::object spend_group_json(const store::SpendGroup& group);
boost::json::object spend_day_json(const store::SpendDay& day);
boost::json::object spend_report_json(const store::SpendReport& report, store::UnixMillis from,
                                      store::UnixMillis to);

// A budget as the running config sees it now: `budget` carries the config's limit when the config
// still has it (`configured`), with its current window and the spend in it.
struct BudgetStatus {
  store::BudgetRecord budget;
  bool configured = false;
  store::UnixMillis window_start = 0;
  store::UnixMillis window_end = 0;
  config::Money4 spent;
};
boost::json::object budget_json(const BudgetStatus& status);
boost::json::object alert_json(const store::BudgetAlertRow& row);

// {kind, id}, or null for a request that no principal made.
boost::json::value principal_json(const std::optional<store::Principal>& principal);
// The list view of a request log (no attempts or payload).
boost::json::object request_log_json(const store::RequestLogRecord& log);
// The detail view: the list view plus attempts and payload; a payload side that parses as JSON is
// written as that JSON, anything else (a truncated body) as a string.
boost::json::object request_log_detail_json(const store::RequestLogRecord& log);

// null for an absent optional.
boost::json::value optional_json(const std::optional<std::string>& value);
boost::json::value optional_json(const std::optional<std::int64_t>& value);
boost::json::value optional_json(const std::optional<config::Money4>& value);  // "1.2300" or null

}  // namespace sluice::console
