// LoginThrottleRepository: prepared statements over login_throttle.
#include "services/org/login_throttle_repository.h"

#include <cppconn/prepared_statement.h>
#include <cppconn/resultset.h>

#include <algorithm>
#include <cmath>
#include <memory>
#include <optional>

#include "common/base/logging.h"
#include "common/db/database.h"
#include "common/db/sql_time.h"

namespace crm::org {

void ClearLoginFailures(MySqlConnection& c, const std::string& username) {
  sql::PreparedStatement& clear = c.Prepare("DELETE FROM login_throttle WHERE username = ?");
  clear.setString(1, username);
  clear.executeUpdate();
}

namespace {

constexpr absl::Duration kForgetAfter = absl::Hours(24);
constexpr absl::Duration kForgetEvery = absl::Minutes(1);

// One throttle row (a name, or "addr:<address>"), locked for the attempt.
struct ThrottleRow {
  std::string key;
  int failures = 0;
  absl::Time last_failed = absl::InfinitePast();
  absl::Time locked_until = absl::InfinitePast();
};

ThrottleRow LockRow(MySqlConnection& c, const std::string& key, absl::Time now,
                    const LoginRules& rules) {
  // Not INSERT IGNORE: on an existing row that takes a shared lock, and
  // racing attempts that all hold it deadlock upgrading it for FOR UPDATE.
  // ON DUPLICATE KEY UPDATE takes the exclusive lock at once, so they queue.
  sql::PreparedStatement& create = c.Prepare(
      "INSERT INTO login_throttle (username, failures, last_failed_at, locked_until)"
      " VALUES (?, 0, ?, NULL) ON DUPLICATE KEY UPDATE failures = failures");
  create.setString(1, key);
  create.setDateTime(2, FormatSqlDateTime(now));
  create.executeUpdate();
  sql::PreparedStatement& load = c.Prepare(
      "SELECT failures, last_failed_at, locked_until FROM login_throttle"
      " WHERE username = ? FOR UPDATE");
  load.setString(1, key);
  std::unique_ptr<sql::ResultSet> rs(load.executeQuery());
  ThrottleRow row{key};
  if (!rs->next()) return row;
  row.failures = rs->getInt(1);
  row.last_failed = ParseSqlDateTime(rs->getString(2)).value_or(now);
  if (!rs->isNull(3)) {
    row.locked_until = ParseSqlDateTime(rs->getString(3)).value_or(absl::InfinitePast());
  }
  // A lock that expired, or failures gone stale, count afresh.
  if ((row.locked_until != absl::InfinitePast() && row.locked_until <= now) ||
      now - row.last_failed > rules.reset_after) {
    row.failures = 0;
    row.locked_until = absl::InfinitePast();
  }
  return row;
}

bool MustWait(const ThrottleRow& row, absl::Time now, const LoginRules& rules) {
  if (row.locked_until > now) return true;
  if (row.failures < rules.slow_down_after) return false;
  const double seconds = std::pow(2.0, row.failures - rules.slow_down_after);
  const absl::Duration backoff = std::min(absl::Seconds(seconds), rules.max_backoff);
  return now < row.last_failed + backoff;
}

void CountFailure(MySqlConnection& c, ThrottleRow& row, absl::Time now, const LoginRules& rules) {
  ++row.failures;
  if (row.failures >= rules.lock_after && row.locked_until <= now) {
    row.locked_until = now + rules.lock_for;
  }
  sql::PreparedStatement& count = c.Prepare(
      "UPDATE login_throttle SET failures = ?, last_failed_at = ?, locked_until = ?"
      " WHERE username = ?");
  count.setInt(1, row.failures);
  count.setDateTime(2, FormatSqlDateTime(now));
  if (row.locked_until == absl::InfinitePast()) {
    count.setNull(3, 0);
  } else {
    count.setDateTime(3, FormatSqlDateTime(row.locked_until));
  }
  count.setString(4, row.key);
  count.executeUpdate();
}

bool KnownAddress(MySqlConnection& c, const std::string& username, const std::string& address) {
  if (address.empty()) return false;
  sql::PreparedStatement& stmt =
      c.Prepare("SELECT 1 FROM login_known_addresses WHERE username = ? AND address = ?");
  stmt.setString(1, username);
  stmt.setString(2, address);
  return std::unique_ptr<sql::ResultSet>(stmt.executeQuery())->next();
}

}  // namespace

void LoginThrottleRepository::ForgetIdleKeys(const CallContext& call, const std::string& username) {
  const absl::Time now = call.Now();
  {
    absl::MutexLock lock(&forget_mu_);
    if (now < next_forget_) return;
    next_forget_ = now + kForgetEvery;
  }
  // A hundred at a time keeps the statement short; the table stays as small
  // as the recent attempts.
  absl::Status forgotten = db_.Run("login.forget", call.deadline, [&](MySqlConnection& c) {
    sql::PreparedStatement& forget = c.Prepare(
        "DELETE FROM login_throttle WHERE last_failed_at < ? AND"
        " (locked_until IS NULL OR locked_until < ?) AND username <> ? LIMIT 100");
    forget.setDateTime(1, FormatSqlDateTime(now - kForgetAfter));
    forget.setDateTime(2, FormatSqlDateTime(now));
    forget.setString(3, username);
    forget.executeUpdate();
    return absl::OkStatus();
  });
  if (!forgotten.ok())
    log::Warn("idle log-in keys not forgotten", {{"error", forgotten.message()}});
}

absl::StatusOr<bool> LoginThrottleRepository::Admit(const CallContext& call,
                                                    const std::string& username,
                                                    const LoginThrottleRules& rules) {
  ForgetIdleKeys(call, username);
  return db_.RunInTransaction(
      "login.admit", call.deadline, [&](MySqlConnection& c) -> absl::StatusOr<bool> {
        const absl::Time now = call.Now();
        // Always the name's row first, then the address's: no two attempts
        // wait for each other's rows in opposite orders.
        ThrottleRow name = LockRow(c, username, now, rules.name);
        std::optional<ThrottleRow> address;
        if (!call.client_address.empty()) {
          address = LockRow(c, "addr:" + call.client_address, now, rules.address);
        }
        const bool known = KnownAddress(c, username, call.client_address);
        if (!known && MustWait(name, now, rules.name)) return false;
        if (address && MustWait(*address, now, rules.address)) return false;
        CountFailure(c, name, now, rules.name);
        if (address) CountFailure(c, *address, now, rules.address);
        return true;
      });
}

absl::Status LoginThrottleRepository::Succeeded(const CallContext& call,
                                                const std::string& username,
                                                const LoginThrottleRules& rules) {
  return db_.RunInTransaction("login.succeeded", call.deadline, [&](MySqlConnection& c) {
    ClearLoginFailures(c, username);
    if (!call.client_address.empty()) {
      // Admit counted this attempt against the address too: it was no
      // failure. (Assignments run left to right: the lock test sees the new
      // count.)
      sql::PreparedStatement& uncount = c.Prepare(
          "UPDATE login_throttle SET failures = GREATEST(failures - 1, 0),"
          " locked_until = IF(failures < ?, NULL, locked_until) WHERE username = ?");
      uncount.setInt(1, rules.address.lock_after);
      uncount.setString(2, "addr:" + call.client_address);
      uncount.executeUpdate();
      sql::PreparedStatement& known = c.Prepare(
          "INSERT INTO login_known_addresses (username, address, last_success_at)"
          " VALUES (?, ?, ?) ON DUPLICATE KEY UPDATE last_success_at = VALUES(last_success_at)");
      known.setString(1, username);
      known.setString(2, call.client_address);
      known.setDateTime(3, FormatSqlDateTime(call.Now()));
      known.executeUpdate();
    }
    return absl::OkStatus();
  });
}

}  // namespace crm::org
