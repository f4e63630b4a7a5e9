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

// After slow_down_after failures each attempt waits 2^(n - slow_down_after)
// seconds (at most max_backoff) after the last failure; at lock_after
// failures the name is locked for lock_for. A name idle for forget_after is
// forgotten (its row deleted), so the table holds only recent attempts.
struct LoginRules {
  int slow_down_after = 3;
  absl::Duration max_backoff = absl::Seconds(30);
  int lock_after = 10;
  absl::Duration lock_for = absl::Minutes(15);
  absl::Duration forget_after = absl::Hours(24);
};

// Forgets the user name's failures, within a caller's transaction (a new
// password starts afresh). Throws sql::SQLException.
void ClearLoginFailures(MySqlConnection& connection, const std::string& username);

class LoginThrottleRepository {
 public:
  explicit LoginThrottleRepository(Database& db) : db_(db) {}

  // Decides whether an attempt for `username` may check its password now,
  // and if so counts it as a failure at once, in one transaction holding the
  // name's row: attempts made at the same moment take turns, so none gets
  // past the count by racing another (a success then calls Clear). False:
  // locked or backing off. Also forgets a few names idle past forget_after.
  absl::StatusOr<bool> Admit(const CallContext& call, const std::string& username,
                             const LoginRules& rules);
  absl::Status Clear(const CallContext& call, const std::string& username);

 private:
  Database& db_;
};

}  // namespace crm::org
