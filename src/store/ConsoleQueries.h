// ConsoleQueries: the admin console's sign-in state — sessions, invitations, pending single-sign-on
// logins and passwords (schema v4; docs/admin-api.md).
//
// Sessions, invitations and login flows are found by the SHA-256 (hex) of their random id, never by
// the id itself: the cookie, the invitation link and the OAuth `state` are bearer secrets, and the
// database holds only what cannot be replayed.
#pragma once

#include "store/StoreConnection.h"
#include "store/StoreRecords.h"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace sluice::store {

struct ConsoleSessionRecord {
  std::string id_hash;
  std::int64_t user_id = 0;
  std::string csrf_token;
  UnixMillis created_at = 0;
  UnixMillis expires_at = 0;    // absolute end
  UnixMillis last_seen_at = 0;  // idle expiry counts from here
};

// A session and the user it signs in, as one read.
struct SignedInRow {
  ConsoleSessionRecord session;
  UserRecord user;
};

struct InvitationRecord {
  std::string token_hash;
  std::int64_t user_id = 0;
  UnixMillis created_at = 0;
  UnixMillis expires_at = 0;
  std::optional<UnixMillis> used_at;
};

struct InvitationRow {
  InvitationRecord invitation;
  UserRecord user;
};

// What start() of a single-sign-on flow must remember until the identity provider calls back.
struct LoginFlowRecord {
  std::string state_hash;
  std::string provider_kind;  // oidc | oauth
  std::string provider_key;
  std::string nonce;
  std::string code_verifier;
  UnixMillis created_at = 0;
  UnixMillis expires_at = 0;
};

namespace queries {

Expected<std::optional<UserRecord>> find_user_by_id(StoreConnection& connection, std::int64_t id);
Status set_user_password(StoreConnection& connection, std::int64_t user_id,
                         std::string_view password_hash, bool must_change_password);
// Sets the password only when the user has none yet (the bootstrap admin's first start); true when
// it was set.
Expected<bool> set_initial_password(StoreConnection& connection, std::int64_t user_id,
                                    std::string_view password_hash, bool must_change_password);

// An invited user who signs in by single sign-on becomes active.
Status activate_invited_user(StoreConnection& connection, std::int64_t user_id);

// Inserts `session`, first deleting every session that has passed its absolute expiry (sign-ins
// are rare, so they are the moment to sweep).
Status insert_session(StoreConnection& connection, const ConsoleSessionRecord& session,
                      UnixMillis now);
Expected<std::optional<SignedInRow>> find_session(StoreConnection& connection,
                                                  std::string_view id_hash);
Status touch_session(StoreConnection& connection, std::string_view id_hash, UnixMillis at);
Status delete_session(StoreConnection& connection, std::string_view id_hash);
// Ends every session of the user except `keep_hash` (empty: all of them).
Status delete_user_sessions(StoreConnection& connection, std::int64_t user_id,
                            std::string_view keep_hash = {});

// Earlier unused invitations of the same user are withdrawn: only the newest link works.
Status insert_invitation(StoreConnection& connection, const InvitationRecord& invitation);
Expected<std::optional<InvitationRow>> find_invitation(StoreConnection& connection,
                                                       std::string_view token_hash);
// In one transaction: marks the invitation used (false when it already was, or is unknown), sets
// the user's password, makes the user active.
Expected<bool> accept_invitation(StoreConnection& connection, std::string_view token_hash,
                                 std::string_view password_hash, UnixMillis at);

Status insert_login_flow(StoreConnection& connection, const LoginFlowRecord& flow, UnixMillis now);
// Reads and deletes the flow in one transaction, so a `state` can be redeemed once.
Expected<std::optional<LoginFlowRecord>> take_login_flow(StoreConnection& connection,
                                                         std::string_view state_hash);

}  // namespace queries
}  // namespace sluice::store
