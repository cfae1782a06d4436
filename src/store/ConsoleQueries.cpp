#include "store/ConsoleQueries.h"

#include "store/QuerySupport.h"

#include <fmt/format.h>

namespace sluice::store::queries {
namespace {

// users joined as `u`, every column qualified, in read_user's order.
std::string qualified_user_columns() { return detail::qualified_columns(detail::kUserColumns, "u"); }

Status run_one(StoreConnection& connection, std::string_view sql, auto&&... values) {
  auto statement = connection.prepare(sql);
  if (!statement) return statement.error();
  int index = 1;
  ((*statement)->bind(index++, values), ...);
  return (*statement)->run();
}

}  // namespace

Expected<std::optional<UserRecord>> find_user_by_id(StoreConnection& connection, std::int64_t id) {
  auto statement =
      connection.prepare(fmt::format("SELECT {} FROM users WHERE id = ?", detail::kUserColumns));
  if (!statement) return statement.error();
  (*statement)->bind(1, id);
  return detail::first_user(**statement);
}

Status set_user_password(StoreConnection& connection, std::int64_t user_id,
                         std::string_view password_hash, bool must_change_password) {
  return run_one(connection,
                 "UPDATE users SET password_hash = ?, must_change_password = ? WHERE id = ?",
                 password_hash, must_change_password, user_id);
}

Expected<bool> set_initial_password(StoreConnection& connection, std::int64_t user_id,
                                    std::string_view password_hash, bool must_change_password) {
  auto statement = connection.prepare(
      "UPDATE users SET password_hash = ?, must_change_password = ?"
      " WHERE id = ? AND password_hash IS NULL");
  if (!statement) return statement.error();
  (*statement)->bind(1, password_hash);
  (*statement)->bind(2, must_change_password);
  (*statement)->bind(3, user_id);
  if (auto done = (*statement)->run(); !done) return done.error();
  return (*statement)->rows_affected() > 0;
}

Status activate_invited_user(StoreConnection& connection, std::int64_t user_id) {
  return run_one(connection, "UPDATE users SET status = 'active' WHERE id = ? AND status = 'invited'",
                 user_id);
}

Status insert_session(StoreConnection& connection, const ConsoleSessionRecord& session,
                      UnixMillis now) {
  auto transaction = StoreTransaction::begin(connection);
  if (!transaction) return transaction.error();
  if (auto swept = run_one(connection, "DELETE FROM console_sessions WHERE expires_at <= ?", now);
      !swept) {
    return swept;
  }
  if (auto inserted = run_one(connection,
                              "INSERT INTO console_sessions (id_hash, user_id, csrf_token,"
                              " created_at, expires_at, last_seen_at) VALUES (?, ?, ?, ?, ?, ?)",
                              session.id_hash, session.user_id, session.csrf_token,
                              session.created_at, session.expires_at, session.last_seen_at);
      !inserted) {
    return inserted;
  }
  return transaction->commit();
}

Expected<std::optional<SignedInRow>> find_session(StoreConnection& connection,
                                                  std::string_view id_hash) {
  static const std::string sql = fmt::format(
      "SELECT s.id_hash, s.user_id, s.csrf_token, s.created_at, s.expires_at, s.last_seen_at, {}"
      " FROM console_sessions s JOIN users u ON u.id = s.user_id WHERE s.id_hash = ?",
      qualified_user_columns());
  auto statement = connection.prepare(sql);
  if (!statement) return statement.error();
  StoreStatement& select = **statement;
  select.bind(1, id_hash);
  auto row = select.step();
  if (!row) return row.error();
  std::optional<SignedInRow> found;
  if (*row) {
    SignedInRow signed_in;
    signed_in.session.id_hash = select.column_text(0);
    signed_in.session.user_id = select.column_int64(1);
    signed_in.session.csrf_token = select.column_text(2);
    signed_in.session.created_at = select.column_int64(3);
    signed_in.session.expires_at = select.column_int64(4);
    signed_in.session.last_seen_at = select.column_int64(5);
    signed_in.user = detail::read_user(select, 6);
    found = std::move(signed_in);
  }
  select.reset();
  return found;
}

Status touch_session(StoreConnection& connection, std::string_view id_hash, UnixMillis at) {
  return run_one(connection, "UPDATE console_sessions SET last_seen_at = ? WHERE id_hash = ?", at,
                 id_hash);
}

Status delete_session(StoreConnection& connection, std::string_view id_hash) {
  return run_one(connection, "DELETE FROM console_sessions WHERE id_hash = ?", id_hash);
}

Status delete_user_sessions(StoreConnection& connection, std::int64_t user_id,
                            std::string_view keep_hash) {
  return run_one(connection, "DELETE FROM console_sessions WHERE user_id = ? AND id_hash <> ?",
                 user_id, keep_hash);
}

Status insert_invitation(StoreConnection& connection, const InvitationRecord& invitation) {
  auto transaction = StoreTransaction::begin(connection);
  if (!transaction) return transaction.error();
  if (auto withdrawn = run_one(connection,
                               "DELETE FROM console_invitations WHERE user_id = ? AND used_at IS NULL",
                               invitation.user_id);
      !withdrawn) {
    return withdrawn;
  }
  if (auto inserted = run_one(connection,
                              "INSERT INTO console_invitations (token_hash, user_id, created_at,"
                              " expires_at) VALUES (?, ?, ?, ?)",
                              invitation.token_hash, invitation.user_id, invitation.created_at,
                              invitation.expires_at);
      !inserted) {
    return inserted;
  }
  return transaction->commit();
}

Expected<std::optional<InvitationRow>> find_invitation(StoreConnection& connection,
                                                       std::string_view token_hash) {
  static const std::string sql = fmt::format(
      "SELECT i.token_hash, i.user_id, i.created_at, i.expires_at, i.used_at, {}"
      " FROM console_invitations i JOIN users u ON u.id = i.user_id WHERE i.token_hash = ?",
      qualified_user_columns());
  auto statement = connection.prepare(sql);
  if (!statement) return statement.error();
  StoreStatement& select = **statement;
  select.bind(1, token_hash);
  auto row = select.step();
  if (!row) return row.error();
  std::optional<InvitationRow> found;
  if (*row) {
    InvitationRow invitation;
    invitation.invitation.token_hash = select.column_text(0);
    invitation.invitation.user_id = select.column_int64(1);
    invitation.invitation.created_at = select.column_int64(2);
    invitation.invitation.expires_at = select.column_int64(3);
    invitation.invitation.used_at = select.column_optional_int64(4);
    invitation.user = detail::read_user(select, 5);
    found = std::move(invitation);
  }
  select.reset();
  return found;
}

Expected<bool> accept_invitation(StoreConnection& connection, std::string_view token_hash,
                                 std::string_view password_hash, UnixMillis at) {
  auto transaction = StoreTransaction::begin(connection);
  if (!transaction) return transaction.error();
  auto used = connection.prepare(
      "UPDATE console_invitations SET used_at = ? WHERE token_hash = ? AND used_at IS NULL"
      " RETURNING user_id");
  if (!used) return used.error();
  (*used)->bind(1, at);
  (*used)->bind(2, token_hash);
  auto user_id = detail::first_int64(**used);
  if (!user_id) return user_id.error();
  if (!*user_id) return false;
  if (auto updated = run_one(connection,
                             "UPDATE users SET password_hash = ?, must_change_password = 0,"
                             " status = 'active' WHERE id = ?",
                             password_hash, **user_id);
      !updated) {
    return updated.error();
  }
  if (auto committed = transaction->commit(); !committed) return committed.error();
  return true;
}

Status insert_login_flow(StoreConnection& connection, const LoginFlowRecord& flow, UnixMillis now) {
  auto transaction = StoreTransaction::begin(connection);
  if (!transaction) return transaction.error();
  if (auto swept = run_one(connection, "DELETE FROM console_login_flows WHERE expires_at <= ?", now);
      !swept) {
    return swept;
  }
  if (auto inserted = run_one(connection,
                              "INSERT INTO console_login_flows (state_hash, provider_kind,"
                              " provider_key, nonce, code_verifier, created_at, expires_at)"
                              " VALUES (?, ?, ?, ?, ?, ?, ?)",
                              flow.state_hash, flow.provider_kind, flow.provider_key, flow.nonce,
                              flow.code_verifier, flow.created_at, flow.expires_at);
      !inserted) {
    return inserted;
  }
  return transaction->commit();
}

Expected<std::optional<LoginFlowRecord>> take_login_flow(StoreConnection& connection,
                                                         std::string_view state_hash) {
  auto transaction = StoreTransaction::begin(connection);
  if (!transaction) return transaction.error();
  auto statement = connection.prepare(
      "DELETE FROM console_login_flows WHERE state_hash = ? RETURNING state_hash, provider_kind,"
      " provider_key, nonce, code_verifier, created_at, expires_at");
  if (!statement) return statement.error();
  StoreStatement& taken = **statement;
  taken.bind(1, state_hash);
  auto row = taken.step();
  if (!row) return row.error();
  std::optional<LoginFlowRecord> flow;
  if (*row) {
    LoginFlowRecord record;
    record.state_hash = taken.column_text(0);
    record.provider_kind = taken.column_text(1);
    record.provider_key = taken.column_text(2);
    record.nonce = taken.column_text(3);
    record.code_verifier = taken.column_text(4);
    record.created_at = taken.column_int64(5);
    record.expires_at = taken.column_int64(6);
    flow = std::move(record);
  }
  taken.reset();
  if (auto committed = transaction->commit(); !committed) return committed.error();
  return flow;
}

}  // namespace sluice::store::queries
