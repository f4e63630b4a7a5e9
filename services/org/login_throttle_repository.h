// SQL for failed log-ins per user name (crm_org.login_throttle), which slow
// down and then lock further attempts (see AuthSettings).
#pragma once

#include <string>

#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "common/rpc/call_context.h"

namespace crm {
class Database;
class MySqlConnection;
}  // namespace crm

namespace crm::org {

// After slow_down_after failures each attempt waits 2^(n - slow_down_after)
// seconds (at most max_backoff) after the last failure; at lock_after
// failures the key is locked for lock_for. Failures older than reset_after
// no longer count. A key idle for a day is forgotten (its row deleted), so
// the table holds only recent attempts.
struct LoginRules {
  int slow_down_after = 3;
  absl::Duration max_backoff = absl::Seconds(30);
  int lock_after = 10;
  absl::Duration lock_for = absl::Minutes(15);
  absl::Duration reset_after = absl::InfiniteDuration();
};

// The rules per user name, and per client address across every name (looser:
// an office shares one address; its failures fade after 15 minutes).
struct LoginThrottleRules {
  LoginRules name;
  LoginRules address{20, absl::Seconds(30), 100, absl::Minutes(15), absl::Minutes(15)};
};

// Forgets the user name's failures, within a caller's transaction (a new
// password starts afresh). Throws sql::SQLException.
void ClearLoginFailures(MySqlConnection& connection, const std::string& username);

class LoginThrottleRepository {
 public:
  explicit LoginThrottleRepository(Database& db) : db_(db) {}

  // Decides whether an attempt for `username` from the call's client address
  // may check its password now, and if so counts it as a failure at once
  // against the name and the address, in one transaction holding their rows:
  // attempts made at the same moment take turns, so none gets past the count
  // by racing another (a success then calls Succeeded). The name's lock and
  // back-off do not apply from an address the user has logged in from
  // before, so failures elsewhere cannot keep its owner out; the address's
  // always apply. False: locked or backing off. Also, at most once a minute
  // per process, forgets a few keys idle for a day.
  absl::StatusOr<bool> Admit(const CallContext& call, const std::string& username,
                             const LoginThrottleRules& rules);
  // Clears the name's failures, takes back the address's count of this
  // attempt, and remembers the address as one the user logs in from.
  absl::Status Succeeded(const CallContext& call, const std::string& username,
                         const LoginThrottleRules& rules);

 private:
  // The clean-up, in a transaction of its own (its scan would hold gap locks
  // that racing attempts' inserts deadlock on) and seldom; a failure is only
  // logged: the rows go next time.
  void ForgetIdleKeys(const CallContext& call, const std::string& username);

  Database& db_;
  absl::Mutex forget_mu_;
  absl::Time next_forget_ ABSL_GUARDED_BY(forget_mu_) = absl::InfinitePast();
};

}  // namespace crm::org
