// Token versions on crm_org.users.
#include "services/org/token_revocations.h"

#include <cppconn/prepared_statement.h>
#include <cppconn/resultset.h>

#include <memory>

#include "absl/strings/str_cat.h"
#include "common/db/database.h"
#include "common/db/sql_time.h"
#include "services/org/refresh_token_repository.h"

namespace crm::org {

namespace {

// Moves on the token version of the users `which` ("id = ?", "employee_id =
// ?", a constant) selects with `key`.
void MoveTokenVersions(MySqlConnection& c, const char* which, int64_t key, const std::string& now) {
  sql::PreparedStatement& revoke = c.Prepare(absl::StrCat(
      "UPDATE users SET token_version = token_version + 1, tokens_revoked_at = ? WHERE ", which));
  revoke.setDateTime(1, now);
  revoke.setInt64(2, key);
  revoke.executeUpdate();
}

}  // namespace

void RevokeAccessTokens(MySqlConnection& c, int64_t user_id, const std::string& now) {
  MoveTokenVersions(c, "id = ?", user_id, now);
}

void RevokeAccessTokensOfEmployee(MySqlConnection& c, int64_t employee_id, const std::string& now) {
  MoveTokenVersions(c, "employee_id = ?", employee_id, now);
}

void RevokeAccessTokensInSubtree(MySqlConnection& c, const std::string& path,
                                 const std::string& now) {
  // Paths are digits and slashes ("/1/4/"): no LIKE wildcard to escape.
  sql::PreparedStatement& revoke = c.Prepare(
      "UPDATE users SET token_version = token_version + 1, tokens_revoked_at = ? "
      "WHERE employee_id IN (SELECT e.id FROM employees e JOIN departments d "
      "ON d.id = e.department_id WHERE d.path LIKE ?)");
  revoke.setDateTime(1, now);
  revoke.setString(2, path + "%");
  revoke.executeUpdate();
}

void RevokeAllTokens(MySqlConnection& c, int64_t user_id, const std::string& now) {
  RevokeAllRefreshTokens(c, user_id, now);
  RevokeAccessTokens(c, user_id, now);
}

absl::StatusOr<std::vector<v1::TokenRevocation>> TokenRevocations::Since(const CallContext& call,
                                                                         absl::Time since) {
  return db_.Run(
      "token.revocations", call.deadline,
      [&](MySqlConnection& c) -> absl::StatusOr<std::vector<v1::TokenRevocation>> {
        sql::PreparedStatement& list = c.Prepare(
            "SELECT id, token_version FROM users WHERE tokens_revoked_at >= ? ORDER BY id");
        list.setDateTime(1, FormatSqlDateTime(since));
        std::unique_ptr<sql::ResultSet> rs(list.executeQuery());
        std::vector<v1::TokenRevocation> revocations;
        while (rs->next()) {
          v1::TokenRevocation& revocation = revocations.emplace_back();
          revocation.set_user_id(rs->getInt64(1));
          revocation.set_token_version(rs->getInt64(2));
        }
        return revocations;
      });
}

}  // namespace crm::org
