// SQL for failed log-ins per user name (crm_org.login_throttle), which slow
// down and then lock further attempts (see AuthSettings).
#pragma once

#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "common/rpc/call_context.h"

namespace crm {
class Database;
class MySqlConnection;
}  // namespace crm

namespace crm::org {

struct LoginThrottle {
  int failures = 0;
  absl::Time last_failed = absl::InfinitePast();
  absl::Time locked_until = absl::InfinitePast();
};

// Forgets the user name's failures, within a caller's transaction (a new
// password starts afresh). Throws sql::SQLException.
void ClearLoginFailures(MySqlConnection& connection, const std::string& username);

class LoginThrottleRepository {
 public:
  explicit LoginThrottleRepository(Database& db) : db_(db) {}

  absl::StatusOr<LoginThrottle> Get(const CallContext& call, const std::string& username);
  // Counts a failure at the call's time; from `lock_after` failures on, locks
  // until then + `lock_for`.
  absl::Status RecordFailure(const CallContext& call, const std::string& username, int lock_after,
                             absl::Duration lock_for);
  absl::Status Clear(const CallContext& call, const std::string& username);

 private:
  Database& db_;
};

}  // namespace crm::org
