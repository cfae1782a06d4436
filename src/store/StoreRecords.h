// StoreRecords: the rows the store reads and writes, as plain values.
//
// One struct per table (plus the query parameters that need more than two arguments). Times are
// unix milliseconds, money is Money4, and enumerations the schema stores as text are enums here;
// ids the database assigns are 0 until it has. docs/store.md describes the tables behind them.
#pragma once

#include "config/GatewayConfig.h"
#include "config/Money.h"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace sluice::store {

using UnixMillis = std::int64_t;

// Who owns a key, and who a ledger row or request log is charged to.
enum class PrincipalKind { kUser, kServiceAccount };
std::string_view to_text(PrincipalKind kind);  // "user" | "service_account"

struct Principal {
  PrincipalKind kind = PrincipalKind::kServiceAccount;
  std::string id;  // service account id, or the user's lower-cased email (docs/identity.md)
  friend bool operator==(const Principal&, const Principal&) = default;
};

struct TeamRecord {
  std::string id;
  std::string name;
};

struct ServiceAccountRecord {
  std::string id;
  std::string name;
  std::string team_id;
};

struct UserRecord {
  std::int64_t id = 0;
  std::string email;  // the seeding key: trimmed, lower-cased
  std::string name;
  std::string auth_mode;    // password | oidc | oauth
  std::string global_role;  // user | platform_admin
  std::optional<std::string> team_id;
  std::optional<std::string> team_role;  // owner | admin | member
  bool request_logging_enabled = true;
  UnixMillis created_at = 0;  // kept from the first insert when the user is updated
  // invited | active; kept from the first insert, like created_at. (Last, so positional
  // initializers written before it existed still mean what they meant.)
  std::string status = "invited";
  // The console's password sign-in (v4); never written by upsert_user, so seeding keeps both.
  std::optional<std::string> password_hash = std::nullopt;  // Argon2id; none until one is set
  bool must_change_password = false;
};

struct ApiKeyRecord {
  std::int64_t id = 0;
  std::string public_id;
  std::string secret_hash;  // lower-case hex SHA-256 of the key's secret
  std::string name;
  Principal owner;
  std::optional<std::string> config_key_id;  // service_accounts[].keys[].id for seeded keys
  std::optional<std::string> encrypted_secret;
  UnixMillis created_at = 0;
  std::optional<UnixMillis> revoked_at;
  std::optional<UnixMillis> last_used_at;
  std::vector<std::string> granted_models;  // sorted; empty: every model the owner may use

  bool revoked() const { return revoked_at.has_value(); }
};

// A key as the request path needs it (KeyDirectory): the key, its grants, and its owner's team.
struct CallerKeyRecord {
  ApiKeyRecord key;
  bool owner_exists = false;               // false: the owning user / service account row is gone
  std::optional<std::string> owner_team;  // the owner's team; nullopt when it has none
  // The owner is a deactivated user or a disabled service account: the key must not work, but
  // nothing is broken (owner_exists stays true), so the caller hears a 401, not a 500.
  bool owner_disabled = false;
};

enum class BudgetScope { kUser, kUserModel, kServiceAccount };
std::string_view to_text(BudgetScope scope);  // "user" | "user_model" | "service_account"

struct BudgetRecord {
  std::int64_t id = 0;
  BudgetScope scope = BudgetScope::kUser;
  std::string principal_id;
  std::optional<std::string> model_id;  // user_model budgets only
  config::BudgetCadence cadence = config::BudgetCadence::kMonthly;
  config::Money4 amount;
  bool hard_limit = true;
  std::string timezone = "UTC";
};

// One priced (or unpriced) upstream call: a row of the usage ledger.
struct UsageRecord {
  std::string request_id;
  UnixMillis occurred_at = 0;
  Principal principal;
  std::optional<std::int64_t> api_key_id;
  std::string requested_model;
  std::string resolved_model;
  std::string route;
  std::string provider;
  std::int64_t input_tokens = 0;
  std::int64_t output_tokens = 0;
  std::int64_t cache_read_tokens = 0;
  std::int64_t cache_write_tokens = 0;
  std::int64_t reasoning_tokens = 0;
  std::optional<config::Money4> cost;  // absent unless pricing_status is priced
  std::string pricing_status;          // priced | unpriced | usage_missing
  std::int64_t latency_ms = 0;
  int status = 200;
};

// Spend of one principal in [from, to): a budget window. With `model`, only that resolved model.
struct SpendQuery {
  Principal principal;
  std::optional<std::string> model;
  UnixMillis from = 0;
  UnixMillis to = 0;
};

struct BudgetAlertRecord {
  std::int64_t id = 0;
  std::int64_t budget_id = 0;
  UnixMillis window_start = 0;
  int threshold_percent = 0;
  config::Money4 spend;
  UnixMillis created_at = 0;
  std::optional<UnixMillis> delivered_at;
  int attempts = 0;                       // failed deliveries so far
  std::optional<std::string> last_error;  // what the last failed delivery said
  std::optional<UnixMillis> abandoned_at;  // set when the mailer gave up; never listed again
};

// Who is told about a budget's alerts (budget_alert_audience), and how the message names the
// budget's principal.
struct BudgetAlertAudience {
  std::string principal_label;      // "alice@example.com", or "Batch jobs (svc-batch)"
  std::vector<std::string> emails;  // sorted, unique; may be empty
};

struct RequestLogAttempt {
  int attempt_index = 0;
  std::string route;
  std::string outcome;  // success | upstream_error | timeout | transport_error | …
  std::optional<int> upstream_status;
  std::int64_t duration_ms = 0;
};

struct RequestLogPayload {
  std::optional<std::string> request_json;
  std::optional<std::string> response_json;
  bool request_truncated = false;
  bool response_truncated = false;
};

struct RequestLogRecord {
  std::int64_t id = 0;
  std::string request_id;
  UnixMillis occurred_at = 0;
  std::string method;
  std::string path;
  std::string operation;  // chat_completions | responses | embeddings | messages | …
  std::optional<std::string> requested_model;
  std::optional<std::string> resolved_model;
  std::optional<std::string> provider;
  std::optional<std::string> route;
  int status = 0;
  std::int64_t latency_ms = 0;
  std::optional<Principal> principal;
  std::optional<std::int64_t> api_key_id;
  std::optional<std::int64_t> input_tokens;
  std::optional<std::int64_t> output_tokens;
  std::optional<std::int64_t> cached_tokens;
  std::optional<std::int64_t> reasoning_tokens;
  std::optional<std::string> error_code;
  std::optional<std::string> caller_service;
  std::optional<std::string> caller_component;
  std::optional<std::string> caller_env;
  std::vector<std::string> caller_tags;
  bool has_payload = false;  // set from `payload` on insert
  // Written with the summary; list_request_logs leaves them empty (has_payload tells).
  std::vector<RequestLogAttempt> attempts;
  std::optional<RequestLogPayload> payload;
  // Read back from the usage ledger row of the same request id, never written with the log: NULL
  // cost unless priced, and no pricing status for a request that reached no route.
  std::optional<config::Money4> cost = std::nullopt;
  std::optional<std::string> pricing_status = std::nullopt;
};

// Whose rows a reader may see: everyone's, one principal's, or a team's — the users whose team_id
// is the team plus the team's service accounts, read from the identity tables at query time so a
// membership change shows at once.
struct PrincipalScope {
  enum class Kind { kEveryone, kPrincipal, kTeam };
  Kind kind = Kind::kEveryone;
  Principal principal;  // kPrincipal
  std::string team_id;  // kTeam

  static PrincipalScope everyone() { return {}; }
  static PrincipalScope of(Principal principal) {
    return {Kind::kPrincipal, std::move(principal), {}};
  }
  static PrincipalScope team(std::string team_id) {
    return {Kind::kTeam, {}, std::move(team_id)};
  }
};

// Newest first. With `model`, rows whose requested or resolved model is that id; with a status
// range, rows whose HTTP status is in [status_from, status_to]; with `principal_id`, rows charged
// to that principal id (of either kind); always within `scope`.
struct RequestLogQuery {
  std::int64_t limit = 50;
  std::int64_t offset = 0;
  std::optional<std::string> model;
  // (Defaulted, so positional initializers written before these existed stay warning-free.)
  std::optional<int> status_from = std::nullopt;
  std::optional<int> status_to = std::nullopt;
  std::optional<std::string> principal_id = std::nullopt;
  PrincipalScope scope = PrincipalScope::everyone();
};

}  // namespace sluice::store
