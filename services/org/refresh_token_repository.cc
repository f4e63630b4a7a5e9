// RefreshTokenRepository: prepared statements over refresh_tokens.
#include "services/org/refresh_token_repository.h"

#include <cppconn/prepared_statement.h>
#include <cppconn/resultset.h>

#include <memory>

#include "common/db/database.h"
#include "common/db/sql_time.h"
#include "services/org/token_revocations.h"

namespace crm::org {
namespace {

void InsertToken(MySqlConnection& c, int64_t user_id, const std::string& token_sha256,
                 const std::string& now, absl::Time expires_at) {
  sql::PreparedStatement& insert = c.Prepare(
      "INSERT INTO refresh_tokens (user_id, token_sha256, created_at, expires_at)"
      " VALUES (?, ?, ?, ?)");
  insert.setInt64(1, user_id);
  insert.setString(2, token_sha256);
  insert.setDateTime(3, now);
  insert.setDateTime(4, FormatSqlDateTime(expires_at));
  insert.executeUpdate();
}

void RevokeOne(MySqlConnection& c, int64_t user_id, const std::string& token_sha256,
               const std::string& now) {
  sql::PreparedStatement& revoke = c.Prepare(
      "UPDATE refresh_tokens SET revoked_at = ? WHERE token_sha256 = ? AND user_id = ?"
      " AND revoked_at IS NULL");
  revoke.setDateTime(1, now);
  revoke.setString(2, token_sha256);
  revoke.setInt64(3, user_id);
  revoke.executeUpdate();
}

}  // namespace

void RevokeAllRefreshTokens(MySqlConnection& c, int64_t user_id, const std::string& now) {
  sql::PreparedStatement& revoke = c.Prepare(
      "UPDATE refresh_tokens SET revoked_at = ? WHERE user_id = ? AND revoked_at IS NULL");
  revoke.setDateTime(1, now);
  revoke.setInt64(2, user_id);
  revoke.executeUpdate();
}

absl::Status RefreshTokenRepository::Store(const CallContext& call, int64_t user_id,
                                           const std::string& token_sha256, absl::Time expires_at) {
  return db_.Run("refresh.store", call.deadline, [&](MySqlConnection& c) {
    InsertToken(c, user_id, token_sha256, FormatSqlDateTime(call.Now()), expires_at);
    return absl::OkStatus();
  });
}

absl::StatusOr<RefreshTokenRecord> RefreshTokenRepository::Rotate(const CallContext& call,
                                                                  const std::string& old_sha256,
                                                                  const std::string& new_sha256,
                                                                  absl::Time new_expires_at) {
  return db_.RunInTransaction(
      "refresh.rotate", call.deadline,
      [&](MySqlConnection& c) -> absl::StatusOr<RefreshTokenRecord> {
        sql::PreparedStatement& find = c.Prepare(
            "SELECT user_id, expires_at, revoked_at FROM refresh_tokens WHERE token_sha256 = ?"
            " FOR UPDATE");
        find.setString(1, old_sha256);
        std::unique_ptr<sql::ResultSet> rs(find.executeQuery());
        if (!rs->next()) return absl::UnauthenticatedError("the refresh token is not valid");
        RefreshTokenRecord record;
        record.user_id = rs->getInt64(1);
        record.expires_at = ParseSqlDateTime(rs->getString(2)).value_or(absl::InfinitePast());
        record.revoked = !rs->isNull(3);
        rs.reset();
        const absl::Time now = call.Now();
        const std::string now_text = FormatSqlDateTime(now);
        if (record.revoked) {
          RevokeAllTokens(c, record.user_id, now_text);  // reuse: assume the token leaked
          return record;
        }
        if (record.expires_at <= now) return record;
        sql::PreparedStatement& revoke =
            c.Prepare("UPDATE refresh_tokens SET revoked_at = ? WHERE token_sha256 = ?");
        revoke.setDateTime(1, now_text);
        revoke.setString(2, old_sha256);
        revoke.executeUpdate();
        InsertToken(c, record.user_id, new_sha256, now_text, new_expires_at);
        return record;
      });
}

absl::Status RefreshTokenRepository::LogOut(const CallContext& call, int64_t user_id,
                                            const std::string& token_sha256) {
  return db_.RunInTransaction("refresh.logout", call.deadline, [&](MySqlConnection& c) {
    const std::string now = FormatSqlDateTime(call.Now());
    RevokeOne(c, user_id, token_sha256, now);
    RevokeAccessTokens(c, user_id, now);
    return absl::OkStatus();
  });
}

absl::Status RefreshTokenRepository::Revoke(const CallContext& call, int64_t user_id,
                                            const std::string& token_sha256) {
  return db_.Run("refresh.revoke", call.deadline, [&](MySqlConnection& c) {
    RevokeOne(c, user_id, token_sha256, FormatSqlDateTime(call.Now()));
    return absl::OkStatus();
  });
}

}  // namespace crm::org
