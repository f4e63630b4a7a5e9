// Access-token revocation (crm_org.users.token_version): an access token is
// valid for its whole lifetime unless its user's token version moved past the
// one it was issued under. The gateway fetches the recent revocations
// (ListTokenRevocations) every few seconds and refuses such tokens.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "common/rpc/call_context.h"
#include "crm/org/v1/auth.pb.h"

namespace crm {
class Database;
class MySqlConnection;
}  // namespace crm

namespace crm::org {

// Within a caller's transaction (throws sql::SQLException); `now` is a SQL
// DATETIME. Every access token the user holds stops working (a role change,
// log-out).
void RevokeAccessTokens(MySqlConnection& connection, int64_t user_id, const std::string& now);
// The access tokens of the employee's users (moved to another department).
void RevokeAccessTokensOfEmployee(MySqlConnection& connection, int64_t employee_id,
                                  const std::string& now);
// The access tokens of every user whose employee works in the department
// with path `path` or below it (the subtree moved: tokens carry the path,
// and visibility follows it).
void RevokeAccessTokensInSubtree(MySqlConnection& connection, const std::string& path,
                                 const std::string& now);
// Every token, access and refresh (disabled, password changed, a refresh
// token replayed): the user must log in again.
void RevokeAllTokens(MySqlConnection& connection, int64_t user_id, const std::string& now);

class TokenRevocations {
 public:
  explicit TokenRevocations(Database& db) : db_(db) {}
  // Users whose tokens were revoked at or after `since`, with their current
  // token version.
  absl::StatusOr<std::vector<v1::TokenRevocation>> Since(const CallContext& call, absl::Time since);

 private:
  Database& db_;
};

}  // namespace crm::org
