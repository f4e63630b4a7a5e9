// SQL for refresh tokens (crm_org.refresh_tokens), stored by their SHA-256
// only, rotated on every use.
#pragma once

#include <cstdint>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "common/rpc/call_context.h"

namespace crm {
class Database;
class MySqlConnection;
}  // namespace crm

namespace crm::org {

struct RefreshTokenRecord {
  int64_t user_id = 0;
  absl::Time expires_at;
  bool revoked = false;
};

// Revokes every live refresh token of the user at `now` (a SQL DATETIME),
// within a caller's transaction. Throws sql::SQLException. (Callers revoking
// for security reasons want RevokeAllTokens, token_revocations.h.)
void RevokeAllRefreshTokens(MySqlConnection& connection, int64_t user_id, const std::string& now);

class RefreshTokenRepository {
 public:
  explicit RefreshTokenRepository(Database& db) : db_(db) {}

  absl::Status Store(const CallContext& call, int64_t user_id, const std::string& token_sha256,
                     absl::Time expires_at);
  // Revokes `old_sha256` and stores `new_sha256` in one step, and returns the
  // old token's record as it was. A token presented again after use revokes
  // all of its user's tokens (it was stolen or replayed). Expiry is judged by
  // the call's clock.
  absl::StatusOr<RefreshTokenRecord> Rotate(const CallContext& call, const std::string& old_sha256,
                                            const std::string& new_sha256,
                                            absl::Time new_expires_at);
  absl::Status Revoke(const CallContext& call, int64_t user_id, const std::string& token_sha256);
  // Revokes the refresh token `token_sha256` (if it is the user's) and every
  // access token of the user, in one transaction.
  absl::Status LogOut(const CallContext& call, int64_t user_id, const std::string& token_sha256);

 private:
  Database& db_;
};

}  // namespace crm::org
