// ConsoleQueries: the admin console's sign-in state — sessions, invitations, pending single-sign-on
// logins and passwords (schema v4; docs/admin-api.md) — and what its API-key and people pages read
// and change (ConsoleIdentityQueries.cpp).
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
#include <vector>

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

// --- the API-key and people pages

// A key with what the admin pages show about its owner.
struct ApiKeyListing {
  ApiKeyRecord key;
  std::string owner_label;                // the user's or service account's name; the id if gone
  std::optional<std::string> owner_team;  // the owner's team, for team admins' visibility
};

// Which keys to list, oldest first.
struct ApiKeyListQuery {
  bool include_revoked = false;
  bool every_owner = true;  // false: only keys owned by one of `owners`, or by a service account
                            // of `service_accounts_of_team`
  std::vector<Principal> owners;
  std::optional<std::string> service_accounts_of_team;
};

// What an admin may change about a key; absent fields stay as they are.
struct ApiKeyChange {
  std::optional<std::string> name;
  std::optional<std::vector<std::string>> granted_models;  // empty: every model the owner may use
};

struct UserChange {
  std::optional<std::string> name;
  std::optional<std::string> global_role;
  std::optional<bool> request_logging_enabled;
};

struct TeamMember {
  std::int64_t user_id = 0;
  std::string email;
  std::string name;
  std::string role;  // owner | admin | member
};

struct TeamListing {
  TeamRecord team;
  std::vector<TeamMember> members;            // by email
  std::vector<std::string> service_accounts;  // ids, disabled ones included
};

struct ServiceAccountListing {
  ServiceAccountRecord account;
  std::optional<UnixMillis> disabled_at;
  std::int64_t active_keys = 0;  // keys not revoked
};

struct ServiceAccountChange {
  std::optional<std::string> name;
  std::optional<std::string> team_id;
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

// --- API keys (the admin console's; seeding and the request path use StoreQueries.h)

Expected<std::vector<ApiKeyListing>> list_api_key_listings(StoreConnection& connection,
                                                           const ApiKeyListQuery& query);
// The key with this numeric id, revoked or not; nullopt when there is none.
Expected<std::optional<ApiKeyListing>> find_api_key_by_id(StoreConnection& connection,
                                                          std::int64_t id);
// Renames the key and/or replaces its grants in one transaction; false when there is no such key.
Expected<bool> update_api_key(StoreConnection& connection, std::int64_t id, const ApiKeyChange& change);

// --- users

// Every user, by id.
Expected<std::vector<UserRecord>> list_users(StoreConnection& connection);
// A new user (never an update: an email already taken is a 409 conflict); returns its id.
Expected<std::int64_t> insert_user(StoreConnection& connection, const UserRecord& user);
// The user after the change; nullopt when there is no such user.
Expected<std::optional<UserRecord>> update_user(StoreConnection& connection, std::int64_t id,
                                                const UserChange& change);
// Status `deactivated`, and every console session of the user ends, in one transaction.
Expected<std::optional<UserRecord>> deactivate_user(StoreConnection& connection, std::int64_t id);
// Back from `deactivated`: `active`, or `invited` for a password user who never set a password
// (they still need their invitation). Any other status is left as it is.
Expected<std::optional<UserRecord>> reactivate_user(StoreConnection& connection, std::int64_t id);
// Puts the user in `team_id` with `role` (one team per user: any other membership ends), or, with
// no team, takes them out of theirs. The user after the change; nullopt when there is none.
Expected<std::optional<UserRecord>> set_team_membership(StoreConnection& connection,
                                                        std::int64_t user_id,
                                                        const std::optional<std::string>& team_id,
                                                        const std::optional<std::string>& role);

// --- teams

// Every team, by id, with its members and service accounts.
Expected<std::vector<TeamListing>> list_teams(StoreConnection& connection);
Expected<std::optional<TeamListing>> find_team(StoreConnection& connection, std::string_view id);
// A new team; an id already taken is a 409 conflict.
Status insert_team(StoreConnection& connection, const TeamRecord& team);
// False when there is no such team.
Expected<bool> rename_team(StoreConnection& connection, std::string_view id, std::string_view name);

// --- service accounts

// Every service account, by id, with its count of unrevoked keys.
Expected<std::vector<ServiceAccountListing>> list_service_accounts(StoreConnection& connection);
Expected<std::optional<ServiceAccountListing>> find_service_account(StoreConnection& connection,
                                                                    std::string_view id);
// A new service account; an id already taken (or an unknown team) is a 409 conflict.
Status insert_service_account(StoreConnection& connection, const ServiceAccountRecord& account);
// False when there is no such account.
Expected<bool> update_service_account(StoreConnection& connection, std::string_view id,
                                      const ServiceAccountChange& change);
// Sets disabled_at (kept when already disabled); its keys stop authenticating at the next key
// directory refresh. False when there is no such account.
Expected<bool> disable_service_account(StoreConnection& connection, std::string_view id,
                                       UnixMillis at);

}  // namespace queries
}  // namespace sluice::store
