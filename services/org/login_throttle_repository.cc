// LoginThrottleRepository: prepared statements over login_throttle.
#include "services/org/login_throttle_repository.h"

#include <cppconn/prepared_statement.h>
#include <cppconn/resultset.h>

#include <memory>

#include "common/db/database.h"
#include "common/db/sql_time.h"

namespace crm::org {

void ClearLoginFailures(MySqlConnection& c, const std::string& username) {
  sql::PreparedStatement& clear = c.Prepare("DELETE FROM login_throttle WHERE username = ?");
  clear.setString(1, username);
  clear.executeUpdate();
}

absl::StatusOr<LoginThrottle> LoginThrottleRepository::Get(const CallContext& call,
                                                           const std::string& username) {
  return db_.Run(
      "login.throttle", call.deadline, [&](MySqlConnection& c) -> absl::StatusOr<LoginThrottle> {
        sql::PreparedStatement& stmt = c.Prepare(
            "SELECT failures, last_failed_at, locked_until FROM login_throttle"
            " WHERE username = ?");
        stmt.setString(1, username);
        std::unique_ptr<sql::ResultSet> rs(stmt.executeQuery());
        LoginThrottle throttle;
        if (!rs->next()) return throttle;
        throttle.failures = rs->getInt(1);
        throttle.last_failed = ParseSqlDateTime(rs->getString(2)).value_or(call.Now());
        if (!rs->isNull(3)) {
          throttle.locked_until = ParseSqlDateTime(rs->getString(3)).value_or(absl::InfinitePast());
        }
        return throttle;
      });
}

absl::Status LoginThrottleRepository::RecordFailure(const CallContext& call,
                                                    const std::string& username, int lock_after,
                                                    absl::Duration lock_for) {
  return db_.RunInTransaction("login.failure", call.deadline, [&](MySqlConnection& c) {
    const absl::Time now = call.Now();
    // A lock expired: start counting again.
    sql::PreparedStatement& reset = c.Prepare(
        "DELETE FROM login_throttle WHERE username = ? AND locked_until IS NOT NULL"
        " AND locked_until <= ?");
    reset.setString(1, username);
    reset.setDateTime(2, FormatSqlDateTime(now));
    reset.executeUpdate();
    sql::PreparedStatement& upsert = c.Prepare(
        "INSERT INTO login_throttle (username, failures, last_failed_at, locked_until)"
        " VALUES (?, 1, ?, NULL) ON DUPLICATE KEY UPDATE failures = failures + 1,"
        " last_failed_at = VALUES(last_failed_at),"
        " locked_until = IF(failures >= ?, ?, locked_until)");
    upsert.setString(1, username);
    upsert.setDateTime(2, FormatSqlDateTime(now));
    // In ON DUPLICATE KEY UPDATE, "failures" already holds the new count here.
    upsert.setInt(3, lock_after);
    upsert.setDateTime(4, FormatSqlDateTime(now + lock_for));
    upsert.executeUpdate();
    return absl::OkStatus();
  });
}

absl::Status LoginThrottleRepository::Clear(const CallContext& call, const std::string& username) {
  return db_.Run("login.clear", call.deadline, [&](MySqlConnection& c) {
    ClearLoginFailures(c, username);
    return absl::OkStatus();
  });
}

}  // namespace crm::org
