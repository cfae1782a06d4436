// What the admin console's API-key and people pages read and change (ConsoleQueries.h). Seeding
// writes the same tables through StoreQueries.h; the two differ where the console must not upsert:
// a user or team the console creates is new or a 409, never a silent overwrite.
#include "store/ConsoleQueries.h"

#include "store/QuerySupport.h"

#include <fmt/format.h>

#include <map>
#include <variant>
#include <unordered_map>

namespace sluice::store::queries {
namespace {

// The WHERE clause of a key listing over `api_keys k LEFT JOIN service_accounts sa`, and the
// values its placeholders take, in order.
struct KeyFilter {
  std::string where;
  std::vector<std::variant<std::string, std::int64_t>> values;

  void bind_to(StoreStatement& statement) const {
    int index = 1;
    for (const auto& value : values) {
      std::visit([&](const auto& v) { statement.bind(index++, v); }, value);
    }
  }
};

std::string joined(const std::vector<std::string>& parts, std::string_view separator) {
  std::string text;
  for (const std::string& part : parts) {
    if (!text.empty()) text += separator;
    text += part;
  }
  return text;
}

KeyFilter key_filter(const ApiKeyListQuery& query) {
  KeyFilter filter;
  std::vector<std::string> conditions;
  if (!query.include_revoked) conditions.emplace_back("k.revoked_at IS NULL");
  if (!query.every_owner) {
    std::vector<std::string> owners;
    for (const Principal& owner : query.owners) {
      owners.emplace_back("(k.owner_kind = ? AND k.owner_id = ?)");
      filter.values.emplace_back(std::string(to_text(owner.kind)));
      filter.values.push_back(owner.id);
    }
    if (query.service_accounts_of_team) {
      owners.emplace_back("(k.owner_kind = 'service_account' AND sa.team_id = ?)");
      filter.values.push_back(*query.service_accounts_of_team);
    }
    conditions.push_back(owners.empty() ? "1 = 0" : "(" + joined(owners, " OR ") + ")");
  }
  if (!conditions.empty()) filter.where = " WHERE " + joined(conditions, " AND ");
  return filter;
}

// Reads the keys a filter selects, with their owners' labels and teams, then their grants.
Expected<std::vector<ApiKeyListing>> read_listings(StoreConnection& connection,
                                                   const KeyFilter& filter) {
  // Owners join by kind: a service account by id, a user by email (the user's principal id).
  constexpr std::string_view kFrom =
      " FROM api_keys k"
      " LEFT JOIN service_accounts sa ON k.owner_kind = 'service_account' AND sa.id = k.owner_id"
      " LEFT JOIN users u ON k.owner_kind = 'user' AND u.email = k.owner_id";
  const std::string sql = fmt::format(
      "SELECT {}, COALESCE(sa.name, u.name, k.owner_id), COALESCE(sa.team_id, u.team_id){}{}"
      " ORDER BY k.id",
      detail::qualified_columns(detail::kApiKeyColumns, "k"), kFrom, filter.where);
  auto keys = connection.prepare(sql);
  if (!keys) return keys.error();
  filter.bind_to(**keys);
  std::vector<ApiKeyListing> listings;
  std::unordered_map<std::int64_t, std::size_t> index_of;
  while (true) {
    auto row = (*keys)->step();
    if (!row) return row.error();
    if (!*row) break;
    ApiKeyListing listing;
    listing.key = detail::read_api_key(**keys);
    listing.owner_label = (*keys)->column_text(11);
    listing.owner_team = (*keys)->column_optional_text(12);
    index_of.emplace(listing.key.id, listings.size());
    listings.push_back(std::move(listing));
  }
  if (listings.empty()) return listings;
  // The grants of the same keys in one more query, whatever their number.
  const std::string grants_sql = fmt::format(
      "SELECT g.api_key_id, g.model_id FROM api_key_models g JOIN api_keys k ON k.id = g.api_key_id"
      " LEFT JOIN service_accounts sa ON k.owner_kind = 'service_account' AND sa.id = k.owner_id"
      "{} ORDER BY g.api_key_id, g.model_id",
      filter.where);
  auto grants = connection.prepare(grants_sql);
  if (!grants) return grants.error();
  filter.bind_to(**grants);
  while (true) {
    auto row = (*grants)->step();
    if (!row) return row.error();
    if (!*row) break;
    const auto found = index_of.find((*grants)->column_int64(0));
    if (found != index_of.end()) {
      listings[found->second].key.granted_models.push_back((*grants)->column_text(1));
    }
  }
  return listings;
}

// Runs an UPDATE … RETURNING of kUserColumns; the user it returned, if any.
Expected<std::optional<UserRecord>> returning_user(StoreConnection& connection, std::string_view sql,
                                                   auto&&... values) {
  auto statement = connection.prepare(sql);
  if (!statement) return statement.error();
  int index = 1;
  ((*statement)->bind(index++, values), ...);
  return detail::first_user(**statement);
}

}  // namespace

Expected<std::vector<ApiKeyListing>> list_api_key_listings(StoreConnection& connection,
                                                           const ApiKeyListQuery& query) {
  return read_listings(connection, key_filter(query));
}

Expected<std::optional<ApiKeyListing>> find_api_key_by_id(StoreConnection& connection,
                                                          std::int64_t id) {
  KeyFilter filter;
  filter.where = " WHERE k.id = ?";
  filter.values.emplace_back(id);
  auto listings = read_listings(connection, filter);
  if (!listings) return listings.error();
  if (listings->empty()) return std::optional<ApiKeyListing>();
  return std::optional<ApiKeyListing>(std::move(listings->front()));
}

Expected<bool> update_api_key(StoreConnection& connection, std::int64_t id,
                              const ApiKeyChange& change) {
  auto transaction = StoreTransaction::begin(connection);
  if (!transaction) return transaction.error();
  auto exists = connection.prepare("SELECT id FROM api_keys WHERE id = ?");
  if (!exists) return exists.error();
  (*exists)->bind(1, id);
  auto found = detail::first_int64(**exists);
  if (!found) return found.error();
  if (!*found) return false;
  if (change.name) {
    auto rename = connection.prepare("UPDATE api_keys SET name = ? WHERE id = ?");
    if (!rename) return rename.error();
    (*rename)->bind(1, *change.name);
    (*rename)->bind(2, id);
    if (auto done = (*rename)->run(); !done) return done.error();
  }
  if (change.granted_models) {
    if (auto done = detail::replace_api_key_grants(connection, id, *change.granted_models); !done) {
      return done.error();
    }
  }
  if (auto committed = transaction->commit(); !committed) return committed.error();
  return true;
}

Expected<std::vector<UserRecord>> list_users(StoreConnection& connection) {
  auto statement =
      connection.prepare(fmt::format("SELECT {} FROM users ORDER BY id", detail::kUserColumns));
  if (!statement) return statement.error();
  std::vector<UserRecord> users;
  while (true) {
    auto row = (*statement)->step();
    if (!row) return row.error();
    if (!*row) break;
    users.push_back(detail::read_user(**statement));
  }
  return users;
}

Expected<std::int64_t> insert_user(StoreConnection& connection, const UserRecord& user) {
  static const std::string sql = std::string(detail::kInsertUser) + " RETURNING id";
  auto statement = connection.prepare(sql);
  if (!statement) return statement.error();
  StoreStatement& insert = **statement;
  detail::bind_new_user(insert, user);
  return detail::required_int64(insert, "insert user");
}

Expected<std::optional<UserRecord>> update_user(StoreConnection& connection, std::int64_t id,
                                                const UserChange& change) {
  // One statement per field keeps every statement's text fixed (and so cached), and the
  // transaction makes the change whole.
  auto transaction = StoreTransaction::begin(connection);
  if (!transaction) return transaction.error();
  const auto set = [&](std::string_view column, const auto& value) -> Status {
    auto statement = connection.prepare(fmt::format("UPDATE users SET {} = ? WHERE id = ?", column));
    if (!statement) return statement.error();
    (*statement)->bind(1, value);
    (*statement)->bind(2, id);
    return (*statement)->run();
  };
  if (change.name) {
    if (auto done = set("name", *change.name); !done) return done.error();
  }
  if (change.global_role) {
    if (auto done = set("global_role", *change.global_role); !done) return done.error();
  }
  if (change.request_logging_enabled) {
    if (auto done = set("request_logging_enabled", *change.request_logging_enabled); !done) {
      return done.error();
    }
  }
  auto user = find_user_by_id(connection, id);
  if (!user) return user.error();
  if (auto committed = transaction->commit(); !committed) return committed.error();
  return user;
}

Expected<std::optional<UserRecord>> deactivate_user(StoreConnection& connection, std::int64_t id) {
  auto transaction = StoreTransaction::begin(connection);
  if (!transaction) return transaction.error();
  auto user = returning_user(
      connection,
      fmt::format("UPDATE users SET status = 'deactivated' WHERE id = ? RETURNING {}",
                  detail::kUserColumns),
      id);
  if (!user) return user.error();
  if (!*user) return user;
  if (auto ended = delete_user_sessions(connection, id); !ended) return ended.error();
  if (auto committed = transaction->commit(); !committed) return committed.error();
  return user;
}

Expected<std::optional<UserRecord>> reactivate_user(StoreConnection& connection, std::int64_t id) {
  auto changed = connection.prepare(
      "UPDATE users SET status = CASE WHEN auth_mode = 'password' AND password_hash IS NULL"
      " THEN 'invited' ELSE 'active' END WHERE id = ? AND status = 'deactivated'");
  if (!changed) return changed.error();
  (*changed)->bind(1, id);
  if (auto done = (*changed)->run(); !done) return done.error();
  return find_user_by_id(connection, id);
}

Expected<std::optional<UserRecord>> set_team_membership(StoreConnection& connection,
                                                        std::int64_t user_id,
                                                        const std::optional<std::string>& team_id,
                                                        const std::optional<std::string>& role) {
  return returning_user(
      connection,
      fmt::format("UPDATE users SET team_id = ?, team_role = ? WHERE id = ? RETURNING {}",
                  detail::kUserColumns),
      team_id, team_id ? role : std::optional<std::string>(), user_id);
}

Expected<std::vector<TeamListing>> list_teams(StoreConnection& connection) {
  std::vector<TeamListing> teams;
  std::map<std::string, std::size_t> index_of;
  auto team_rows = connection.prepare("SELECT id, name FROM teams ORDER BY id");
  if (!team_rows) return team_rows.error();
  while (true) {
    auto row = (*team_rows)->step();
    if (!row) return row.error();
    if (!*row) break;
    TeamListing team;
    team.team = {(*team_rows)->column_text(0), (*team_rows)->column_text(1)};
    index_of.emplace(team.team.id, teams.size());
    teams.push_back(std::move(team));
  }
  auto members = connection.prepare(
      "SELECT team_id, id, email, name, team_role FROM users WHERE team_id IS NOT NULL"
      " ORDER BY email");
  if (!members) return members.error();
  while (true) {
    auto row = (*members)->step();
    if (!row) return row.error();
    if (!*row) break;
    const auto found = index_of.find((*members)->column_text(0));
    if (found == index_of.end()) continue;
    teams[found->second].members.push_back({(*members)->column_int64(1),
                                             (*members)->column_text(2),
                                             (*members)->column_text(3),
                                             (*members)->column_text(4)});
  }
  auto accounts = connection.prepare("SELECT team_id, id FROM service_accounts ORDER BY id");
  if (!accounts) return accounts.error();
  while (true) {
    auto row = (*accounts)->step();
    if (!row) return row.error();
    if (!*row) break;
    const auto found = index_of.find((*accounts)->column_text(0));
    if (found != index_of.end()) {
      teams[found->second].service_accounts.push_back((*accounts)->column_text(1));
    }
  }
  return teams;
}

Expected<std::optional<TeamListing>> find_team(StoreConnection& connection, std::string_view id) {
  // Teams are few (a config's worth): reading them all keeps one way of assembling a listing.
  auto teams = list_teams(connection);
  if (!teams) return teams.error();
  for (TeamListing& team : *teams) {
    if (team.team.id == id) return std::optional<TeamListing>(std::move(team));
  }
  return std::optional<TeamListing>();
}

Status insert_team(StoreConnection& connection, const TeamRecord& team) {
  auto statement = connection.prepare("INSERT INTO teams (id, name) VALUES (?, ?)");
  if (!statement) return statement.error();
  (*statement)->bind(1, team.id);
  (*statement)->bind(2, team.name);
  return (*statement)->run();
}

Expected<bool> rename_team(StoreConnection& connection, std::string_view id, std::string_view name) {
  auto statement = connection.prepare("UPDATE teams SET name = ? WHERE id = ?");
  if (!statement) return statement.error();
  (*statement)->bind(1, name);
  (*statement)->bind(2, id);
  if (auto done = (*statement)->run(); !done) return done.error();
  return (*statement)->rows_affected() == 1;
}

namespace {

constexpr std::string_view kServiceAccountListing =
    "SELECT sa.id, sa.name, sa.team_id, sa.disabled_at,"
    " (SELECT COUNT(*) FROM api_keys k WHERE k.owner_kind = 'service_account'"
    " AND k.owner_id = sa.id AND k.revoked_at IS NULL)"
    " FROM service_accounts sa";

ServiceAccountListing read_service_account(const StoreStatement& row) {
  ServiceAccountListing listing;
  listing.account = {row.column_text(0), row.column_text(1), row.column_text(2)};
  listing.disabled_at = row.column_optional_int64(3);
  listing.active_keys = row.column_int64(4);
  return listing;
}

}  // namespace

Expected<std::vector<ServiceAccountListing>> list_service_accounts(StoreConnection& connection) {
  auto statement = connection.prepare(fmt::format("{} ORDER BY sa.id", kServiceAccountListing));
  if (!statement) return statement.error();
  std::vector<ServiceAccountListing> accounts;
  while (true) {
    auto row = (*statement)->step();
    if (!row) return row.error();
    if (!*row) break;
    accounts.push_back(read_service_account(**statement));
  }
  return accounts;
}

Expected<std::optional<ServiceAccountListing>> find_service_account(StoreConnection& connection,
                                                                    std::string_view id) {
  auto statement = connection.prepare(fmt::format("{} WHERE sa.id = ?", kServiceAccountListing));
  if (!statement) return statement.error();
  (*statement)->bind(1, id);
  auto row = (*statement)->step();
  if (!row) return row.error();
  std::optional<ServiceAccountListing> found;
  if (*row) found = read_service_account(**statement);
  (*statement)->reset();
  return found;
}

Status insert_service_account(StoreConnection& connection, const ServiceAccountRecord& account) {
  auto statement =
      connection.prepare("INSERT INTO service_accounts (id, name, team_id) VALUES (?, ?, ?)");
  if (!statement) return statement.error();
  (*statement)->bind(1, account.id);
  (*statement)->bind(2, account.name);
  (*statement)->bind(3, account.team_id);
  return (*statement)->run();
}

Expected<bool> update_service_account(StoreConnection& connection, std::string_view id,
                                      const ServiceAccountChange& change) {
  auto transaction = StoreTransaction::begin(connection);
  if (!transaction) return transaction.error();
  auto exists = connection.prepare("SELECT 1 FROM service_accounts WHERE id = ?");
  if (!exists) return exists.error();
  (*exists)->bind(1, id);
  auto found = detail::first_int64(**exists);
  if (!found) return found.error();
  if (!*found) return false;
  for (const auto& [column, value] : {std::pair{"name", change.name}, std::pair{"team_id", change.team_id}}) {
    if (!value) continue;
    auto statement =
        connection.prepare(fmt::format("UPDATE service_accounts SET {} = ? WHERE id = ?", column));
    if (!statement) return statement.error();
    (*statement)->bind(1, *value);
    (*statement)->bind(2, id);
    if (auto done = (*statement)->run(); !done) return done.error();
  }
  if (auto committed = transaction->commit(); !committed) return committed.error();
  return true;
}

Expected<bool> disable_service_account(StoreConnection& connection, std::string_view id,
                                       UnixMillis at) {
  auto statement = connection.prepare(
      "UPDATE service_accounts SET disabled_at = COALESCE(disabled_at, ?) WHERE id = ?");
  if (!statement) return statement.error();
  (*statement)->bind(1, at);
  (*statement)->bind(2, id);
  if (auto done = (*statement)->run(); !done) return done.error();
  return (*statement)->rows_affected() == 1;
}

}  // namespace sluice::store::queries
