// SQL for users, log-in throttling, refresh tokens and service accounts.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
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

struct UserRecord {
  v1::User user;
  std::string password_hash;
};

struct LoginThrottle {
  int failures = 0;
  absl::Time last_failed = absl::InfinitePast();
  absl::Time locked_until = absl::InfinitePast();
};

struct RefreshTokenRecord {
  int64_t user_id = 0;
  absl::Time expires_at;
  bool revoked = false;
};

struct UserPage {
  std::vector<v1::User> users;
  bool has_more = false;
  int64_t total_size = 0;
};

class UserRepository {
 public:
  explicit UserRepository(Database& db) : db_(db) {}

  // FAILED_PRECONDITION when the employee does not exist or already has a user.
  absl::StatusOr<v1::User> Create(const CallContext& call, const v1::User& user,
                                  const std::string& password_hash, const std::string& request_id);
  absl::StatusOr<v1::User> Get(const CallContext& call, int64_t id);
  // NOT_FOUND when there is no such user name.
  absl::StatusOr<UserRecord> FindByUsername(const CallContext& call, const std::string& username);
  // Refuses a change that would leave no enabled administrator.
  absl::StatusOr<v1::User> Update(const CallContext& call, int64_t id, const std::string& etag,
                                  const std::function<absl::Status(v1::User&)>& change);
  absl::StatusOr<UserPage> List(const CallContext& call, int page_size, int64_t after_id);
  // Sets a new hash, revokes every refresh token of the user, clears failures.
  absl::Status SetPassword(const CallContext& call, int64_t user_id,
                           const std::string& password_hash);
  // True when no user exists yet (first start).
  absl::StatusOr<bool> Empty(const CallContext& call);

  absl::StatusOr<LoginThrottle> Throttle(const CallContext& call, const std::string& username);
  // Counts a failure; from `lock_after` failures on, locks until now + `lock_for`.
  absl::Status RecordFailure(const CallContext& call, const std::string& username, int lock_after,
                             absl::Duration lock_for);
  absl::Status ClearFailures(const CallContext& call, const std::string& username);

  absl::Status StoreRefreshToken(const CallContext& call, int64_t user_id,
                                 const std::string& token_sha256, absl::Time expires_at);
  // Revokes `old_sha256` and stores `new_sha256` in one step, and returns the
  // old token's record as it was. A token presented again after use revokes
  // all of its user's tokens (it was stolen or replayed).
  absl::StatusOr<RefreshTokenRecord> RotateRefreshToken(const CallContext& call,
                                                        const std::string& old_sha256,
                                                        const std::string& new_sha256,
                                                        absl::Time new_expires_at);
  absl::Status RevokeRefreshToken(const CallContext& call, int64_t user_id,
                                  const std::string& token_sha256);

  absl::StatusOr<v1::ServiceAccount> CreateServiceAccount(const CallContext& call,
                                                          const v1::ServiceAccount& account,
                                                          const std::string& key_sha256,
                                                          const std::string& key_prefix,
                                                          const std::string& request_id);
  absl::StatusOr<std::vector<v1::ServiceAccount>> ListServiceAccounts(const CallContext& call);
  absl::StatusOr<v1::ServiceAccount> RevokeServiceAccount(const CallContext& call, int64_t id);
  absl::StatusOr<std::vector<v1::ActiveApiKey>> ActiveApiKeys(const CallContext& call);

 private:
  Database& db_;
};

}  // namespace crm::org
