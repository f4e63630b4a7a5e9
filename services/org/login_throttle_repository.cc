// LoginThrottleRepository: prepared statements over login_throttle.
#include "services/org/login_throttle_repository.h"

#include <cppconn/prepared_statement.h>
#include <cppconn/resultset.h>

#include <algorithm>
#include <cmath>
#include <memory>

#include "common/db/database.h"
#include "common/db/sql_time.h"

namespace crm::org {

void ClearLoginFailures(MySqlConnection& c, const std::string& username) {
  sql::PreparedStatement& clear = c.Prepare("DELETE FROM login_throttle WHERE username = ?");
  clear.setString(1, username);
  clear.executeUpdate();
}

absl::StatusOr<bool> LoginThrottleRepository::Admit(const CallContext& call,
                                                   const std::string& username,
                                                   const LoginRules& rules) {
  return db_.RunInTransaction(
      "login.admit", call.deadline, [&](MySqlConnection& c) -> absl::StatusOr<bool> {
        const absl::Time now = call.Now();
        const std::string now_text = FormatSqlDateTime(now);
        // A few names idle long enough are forgotten on every attempt: the
        // table stays as small as the recent attempts.
        sql::PreparedStatement& forget = c.Prepare(
            "DELETE FROM login_throttle WHERE last_failed_at < ? AND"
            " (locked_until IS NULL OR locked_until < ?) AND username <> ? LIMIT 100");
        forget.setDateTime(1, FormatSqlDateTime(now - rules.forget_after));
        forget.setDateTime(2, now_text);
        forget.setString(3, username);
        forget.executeUpdate();

        sql::PreparedStatement& create = c.Prepare(
            "INSERT IGNORE INTO login_throttle (username, failures, last_failed_at, locked_until)"
            " VALUES (?, 0, ?, NULL)");
        create.setString(1, username);
        create.setDateTime(2, now_text);
        create.executeUpdate();
        sql::PreparedStatement& load = c.Prepare(
            "SELECT failures, last_failed_at, locked_until FROM login_throttle"
            " WHERE username = ? FOR UPDATE");
        load.setString(1, username);
        std::unique_ptr<sql::ResultSet> rs(load.executeQuery());
        if (!rs->next()) return absl::InternalError("the log-in throttle row vanished");
        int failures = rs->getInt(1);
        const absl::Time last_failed = ParseSqlDateTime(rs->getString(2)).value_or(now);
        absl::Time locked_until =
            rs->isNull(3) ? absl::InfinitePast()
                          : ParseSqlDateTime(rs->getString(3)).value_or(absl::InfinitePast());
        if (locked_until > now) return false;
        if (locked_until != absl::InfinitePast()) {  // a lock expired: count afresh
          failures = 0;
          locked_until = absl::InfinitePast();
        }
        if (failures >= rules.slow_down_after) {
          const double seconds = std::pow(2.0, failures - rules.slow_down_after);
          const absl::Duration backoff = std::min(absl::Seconds(seconds), rules.max_backoff);
          if (now < last_failed + backoff) return false;
        }
        ++failures;
        if (failures >= rules.lock_after) locked_until = now + rules.lock_for;
        sql::PreparedStatement& count = c.Prepare(
            "UPDATE login_throttle SET failures = ?, last_failed_at = ?, locked_until = ?"
            " WHERE username = ?");
        count.setInt(1, failures);
        count.setDateTime(2, now_text);
        if (locked_until == absl::InfinitePast()) {
          count.setNull(3, 0);
        } else {
          count.setDateTime(3, FormatSqlDateTime(locked_until));
        }
        count.setString(4, username);
        count.executeUpdate();
        return true;
      });
}

absl::Status LoginThrottleRepository::Clear(const CallContext& call, const std::string& username) {
  return db_.Run("login.clear", call.deadline, [&](MySqlConnection& c) {
    ClearLoginFailures(c, username);
    return absl::OkStatus();
  });
}

}  // namespace crm::org
