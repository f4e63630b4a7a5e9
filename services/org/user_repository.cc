// UserRepository.
#include "services/org/user_repository.h"

#include <cppconn/prepared_statement.h>
#include <cppconn/resultset.h>

#include <memory>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"
#include "common/base/status_util.h"
#include "common/db/database.h"
#include "common/db/record_helpers.h"
#include "common/db/sql_time.h"
#include "common/db/sql_where.h"
#include "common/feed/change_log.h"

namespace crm::org {
namespace {

using v1::ServiceAccount;
using v1::User;

constexpr char kUserColumns[] =
    "u.id, u.username, u.employee_id, u.roles, u.disabled, u.version, u.created_at,"
    " u.updated_at, u.password_hash, t.locked_until";
// Lock state lives with the throttle, by user name.
constexpr char kUserFrom[] = " FROM users u LEFT JOIN login_throttle t ON t.username = u.username";

UserRecord ReadUser(sql::ResultSet& rs) {
  UserRecord record;
  User& u = record.user;
  u.set_id(rs.getInt64(1));
  u.set_username(rs.getString(2));
  u.set_employee_id(rs.isNull(3) ? 0 : rs.getInt64(3));
  for (absl::string_view role :
       absl::StrSplit(std::string(rs.getString(4)), ',', absl::SkipEmpty())) {
    u.add_roles(std::string(role));
  }
  u.set_disabled(rs.getInt(5) != 0);
  u.set_etag(EtagOf(rs.getInt64(6)));
  SqlDateTimeToTimestamp(rs.getString(7), u.mutable_create_time());
  SqlDateTimeToTimestamp(rs.getString(8), u.mutable_update_time());
  record.password_hash = rs.getString(9);
  if (!rs.isNull(10)) {
    auto until = ParseSqlDateTime(rs.getString(10));
    if (until.ok() && *until > absl::Now()) SetTimestamp(*until, u.mutable_locked_until());
  }
  return record;
}

std::unique_ptr<UserRecord> LoadUser(MySqlConnection& c, int64_t id, bool for_update) {
  sql::PreparedStatement& stmt = c.Prepare(absl::StrCat(
      "SELECT ", kUserColumns, kUserFrom, " WHERE u.id = ?", for_update ? " FOR UPDATE" : ""));
  stmt.setInt64(1, id);
  std::unique_ptr<sql::ResultSet> rs(stmt.executeQuery());
  if (!rs->next()) return nullptr;
  return std::make_unique<UserRecord>(ReadUser(*rs));
}

absl::Status UserNotFound(int64_t id) {
  return absl::NotFoundError(absl::StrCat("user ", id, " not found"));
}

bool IsEnabledAdministrator(const User& u) {
  if (u.disabled()) return false;
  for (const std::string& role : u.roles()) {
    if (role == "administrator") return true;
  }
  return false;
}

int64_t CountEnabledAdministrators(MySqlConnection& c) {
  // roles is a short comma list: FIND_IN_SET reads it exactly.
  std::unique_ptr<sql::ResultSet> rs(c.Prepare("SELECT COUNT(*) FROM users WHERE disabled = 0 AND"
                                               " FIND_IN_SET('administrator', roles) > 0")
                                         .executeQuery());
  rs->next();
  return rs->getInt64(1);
}

void RevokeAllTokens(MySqlConnection& c, int64_t user_id, const std::string& now) {
  sql::PreparedStatement& revoke = c.Prepare(
      "UPDATE refresh_tokens SET revoked_at = ? WHERE user_id = ? AND revoked_at IS NULL");
  revoke.setDateTime(1, now);
  revoke.setInt64(2, user_id);
  revoke.executeUpdate();
}

constexpr char kAccountColumns[] = "id, name, roles, key_prefix, created_at, revoked_at";

ServiceAccount ReadAccount(sql::ResultSet& rs) {
  ServiceAccount a;
  a.set_id(rs.getInt64(1));
  a.set_name(rs.getString(2));
  for (absl::string_view role :
       absl::StrSplit(std::string(rs.getString(3)), ',', absl::SkipEmpty())) {
    a.add_roles(std::string(role));
  }
  a.set_key_prefix(rs.getString(4));
  SqlDateTimeToTimestamp(rs.getString(5), a.mutable_create_time());
  if (!rs.isNull(6)) {
    a.set_revoked(true);
    SqlDateTimeToTimestamp(rs.getString(6), a.mutable_revoke_time());
  }
  return a;
}

std::unique_ptr<ServiceAccount> LoadAccount(MySqlConnection& c, int64_t id, bool for_update) {
  sql::PreparedStatement& stmt =
      c.Prepare(absl::StrCat("SELECT ", kAccountColumns, " FROM service_accounts WHERE id = ?",
                             for_update ? " FOR UPDATE" : ""));
  stmt.setInt64(1, id);
  std::unique_ptr<sql::ResultSet> rs(stmt.executeQuery());
  if (!rs->next()) return nullptr;
  return std::make_unique<ServiceAccount>(ReadAccount(*rs));
}

}  // namespace

absl::StatusOr<User> UserRepository::Create(const CallContext& call, const User& user,
                                            const std::string& password_hash,
                                            const std::string& request_id) {
  const std::string key = CallerRequestKey(call, request_id);
  return db_.RunInTransaction(
      "user.create", call.deadline, [&](MySqlConnection& c) -> absl::StatusOr<User> {
        if (!key.empty()) {
          sql::PreparedStatement& find =
              c.Prepare("SELECT id FROM users WHERE create_request_id = ?");
          find.setString(1, key);
          std::unique_ptr<sql::ResultSet> rs(find.executeQuery());
          if (rs->next()) return LoadUser(c, rs->getInt64(1), false)->user;
        }
        sql::PreparedStatement& taken = c.Prepare("SELECT 1 FROM users WHERE username = ?");
        taken.setString(1, user.username());
        if (std::unique_ptr<sql::ResultSet>(taken.executeQuery())->next()) {
          return absl::AlreadyExistsError(
              absl::StrCat("the user name '", user.username(), "' is taken"));
        }
        if (user.employee_id() != 0) {
          sql::PreparedStatement& employee = c.Prepare("SELECT 1 FROM employees WHERE id = ?");
          employee.setInt64(1, user.employee_id());
          if (!std::unique_ptr<sql::ResultSet>(employee.executeQuery())->next()) {
            return InvalidField("user.employee_id",
                                absl::StrCat("employee ", user.employee_id(), " does not exist"));
          }
          sql::PreparedStatement& linked = c.Prepare("SELECT 1 FROM users WHERE employee_id = ?");
          linked.setInt64(1, user.employee_id());
          if (std::unique_ptr<sql::ResultSet>(linked.executeQuery())->next()) {
            return absl::AlreadyExistsError(
                absl::StrCat("employee ", user.employee_id(), " already has a user"));
          }
        }
        const std::string now = FormatSqlDateTime(absl::Now());
        sql::PreparedStatement& insert = c.Prepare(
            "INSERT INTO users (username, employee_id, password_hash, roles, disabled, version,"
            " create_request_id, created_at, updated_at, password_changed_at)"
            " VALUES (?, ?, ?, ?, ?, 1, ?, ?, ?, ?)");
        insert.setString(1, user.username());
        SetIdOrNull(insert, 2, user.employee_id());
        insert.setString(3, password_hash);
        insert.setString(4, absl::StrJoin(user.roles(), ","));
        insert.setInt(5, user.disabled() ? 1 : 0);
        SetStringOrNull(insert, 6, key);
        insert.setDateTime(7, now);
        insert.setDateTime(8, now);
        insert.setDateTime(9, now);
        insert.executeUpdate();
        User created = LoadUser(c, c.LastInsertId(), false)->user;
        AppendChange(c, call, ChangeOp::kCreate, created.id(), created);
        return created;
      });
}

absl::StatusOr<User> UserRepository::Get(const CallContext& call, int64_t id) {
  return db_.Run("user.get", call.deadline, [&](MySqlConnection& c) -> absl::StatusOr<User> {
    std::unique_ptr<UserRecord> record = LoadUser(c, id, false);
    if (!record) return UserNotFound(id);
    return record->user;
  });
}

absl::StatusOr<UserRecord> UserRepository::FindByUsername(const CallContext& call,
                                                          const std::string& username) {
  return db_.Run("user.find", call.deadline, [&](MySqlConnection& c) -> absl::StatusOr<UserRecord> {
    sql::PreparedStatement& stmt =
        c.Prepare(absl::StrCat("SELECT ", kUserColumns, kUserFrom, " WHERE u.username = ?"));
    stmt.setString(1, username);
    std::unique_ptr<sql::ResultSet> rs(stmt.executeQuery());
    if (!rs->next()) return absl::NotFoundError("no such user");
    return ReadUser(*rs);
  });
}

absl::StatusOr<User> UserRepository::Update(const CallContext& call, int64_t id,
                                            const std::string& etag,
                                            const std::function<absl::Status(User&)>& change) {
  return db_.RunInTransaction(
      "user.update", call.deadline, [&](MySqlConnection& c) -> absl::StatusOr<User> {
        std::unique_ptr<UserRecord> record = LoadUser(c, id, /*for_update=*/true);
        if (!record) return UserNotFound(id);
        User& u = record->user;
        CRM_RETURN_IF_ERROR(CheckEtag(etag, std::stoll(u.etag()), "user"));
        const bool was_admin = IsEnabledAdministrator(u);
        const int64_t old_employee = u.employee_id();
        CRM_RETURN_IF_ERROR(change(u));
        if (was_admin && !IsEnabledAdministrator(u) && CountEnabledAdministrators(c) <= 1) {
          return absl::FailedPreconditionError("that would leave no enabled administrator");
        }
        if (u.employee_id() != old_employee && u.employee_id() != 0) {
          sql::PreparedStatement& linked =
              c.Prepare("SELECT 1 FROM users WHERE employee_id = ? AND id <> ?");
          linked.setInt64(1, u.employee_id());
          linked.setInt64(2, id);
          if (std::unique_ptr<sql::ResultSet>(linked.executeQuery())->next()) {
            return absl::AlreadyExistsError(
                absl::StrCat("employee ", u.employee_id(), " already has a user"));
          }
        }
        const std::string now = FormatSqlDateTime(absl::Now());
        sql::PreparedStatement& update = c.Prepare(
            "UPDATE users SET employee_id = ?, roles = ?, disabled = ?, version = version + 1,"
            " updated_at = ? WHERE id = ?");
        SetIdOrNull(update, 1, u.employee_id());
        update.setString(2, absl::StrJoin(u.roles(), ","));
        update.setInt(3, u.disabled() ? 1 : 0);
        update.setDateTime(4, now);
        update.setInt64(5, id);
        update.executeUpdate();
        if (u.disabled()) RevokeAllTokens(c, id, now);
        User updated = LoadUser(c, id, false)->user;
        AppendChange(c, call, ChangeOp::kUpdate, id, updated);
        return updated;
      });
}

absl::StatusOr<UserPage> UserRepository::List(const CallContext& call, int page_size,
                                              int64_t after_id) {
  return db_.Run("user.list", call.deadline, [&](MySqlConnection& c) -> absl::StatusOr<UserPage> {
    UserPage page;
    sql::PreparedStatement& stmt = c.Prepare(
        absl::StrCat("SELECT ", kUserColumns, kUserFrom, " WHERE u.id > ? ORDER BY u.id LIMIT ?"));
    stmt.setInt64(1, after_id);
    stmt.setInt(2, page_size + 1);
    std::unique_ptr<sql::ResultSet> rs(stmt.executeQuery());
    while (rs->next()) {
      if (static_cast<int>(page.users.size()) == page_size) {
        page.has_more = true;
        break;
      }
      page.users.push_back(ReadUser(*rs).user);
    }
    std::unique_ptr<sql::ResultSet> total(c.Prepare("SELECT COUNT(*) FROM users").executeQuery());
    total->next();
    page.total_size = total->getInt64(1);
    return page;
  });
}

absl::Status UserRepository::SetPassword(const CallContext& call, int64_t user_id,
                                         const std::string& password_hash) {
  return db_.RunInTransaction("user.password", call.deadline, [&](MySqlConnection& c) {
    std::unique_ptr<UserRecord> record = LoadUser(c, user_id, /*for_update=*/true);
    if (!record) return UserNotFound(user_id);
    const std::string now = FormatSqlDateTime(absl::Now());
    sql::PreparedStatement& update = c.Prepare(
        "UPDATE users SET password_hash = ?, password_changed_at = ?, version = version + 1,"
        " updated_at = ? WHERE id = ?");
    update.setString(1, password_hash);
    update.setDateTime(2, now);
    update.setDateTime(3, now);
    update.setInt64(4, user_id);
    update.executeUpdate();
    RevokeAllTokens(c, user_id, now);
    sql::PreparedStatement& clear = c.Prepare("DELETE FROM login_throttle WHERE username = ?");
    clear.setString(1, record->user.username());
    clear.executeUpdate();
    // The change row says the password changed, and by whom; never the hash.
    User changed = LoadUser(c, user_id, false)->user;
    AppendChange(c, call, ChangeOp::kUpdate, user_id, changed);
    return absl::OkStatus();
  });
}

absl::StatusOr<bool> UserRepository::Empty(const CallContext& call) {
  return db_.Run("user.empty", call.deadline, [&](MySqlConnection& c) -> absl::StatusOr<bool> {
    std::unique_ptr<sql::ResultSet> rs(c.Prepare("SELECT 1 FROM users LIMIT 1").executeQuery());
    return !rs->next();
  });
}

absl::StatusOr<LoginThrottle> UserRepository::Throttle(const CallContext& call,
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
        throttle.last_failed = ParseSqlDateTime(rs->getString(2)).value_or(absl::Now());
        if (!rs->isNull(3)) {
          throttle.locked_until = ParseSqlDateTime(rs->getString(3)).value_or(absl::InfinitePast());
        }
        return throttle;
      });
}

absl::Status UserRepository::RecordFailure(const CallContext& call, const std::string& username,
                                           int lock_after, absl::Duration lock_for) {
  return db_.RunInTransaction("login.failure", call.deadline, [&](MySqlConnection& c) {
    const absl::Time now = absl::Now();
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

absl::Status UserRepository::ClearFailures(const CallContext& call, const std::string& username) {
  return db_.Run("login.clear", call.deadline, [&](MySqlConnection& c) {
    sql::PreparedStatement& clear = c.Prepare("DELETE FROM login_throttle WHERE username = ?");
    clear.setString(1, username);
    clear.executeUpdate();
    return absl::OkStatus();
  });
}

absl::Status UserRepository::StoreRefreshToken(const CallContext& call, int64_t user_id,
                                               const std::string& token_sha256,
                                               absl::Time expires_at) {
  return db_.Run("refresh.store", call.deadline, [&](MySqlConnection& c) {
    sql::PreparedStatement& insert = c.Prepare(
        "INSERT INTO refresh_tokens (user_id, token_sha256, created_at, expires_at)"
        " VALUES (?, ?, ?, ?)");
    insert.setInt64(1, user_id);
    insert.setString(2, token_sha256);
    insert.setDateTime(3, FormatSqlDateTime(absl::Now()));
    insert.setDateTime(4, FormatSqlDateTime(expires_at));
    insert.executeUpdate();
    return absl::OkStatus();
  });
}

absl::StatusOr<RefreshTokenRecord> UserRepository::RotateRefreshToken(const CallContext& call,
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
        const std::string now = FormatSqlDateTime(absl::Now());
        if (record.revoked) {
          RevokeAllTokens(c, record.user_id, now);  // reuse: assume the token leaked
          return record;
        }
        if (record.expires_at <= absl::Now()) return record;
        sql::PreparedStatement& revoke =
            c.Prepare("UPDATE refresh_tokens SET revoked_at = ? WHERE token_sha256 = ?");
        revoke.setDateTime(1, now);
        revoke.setString(2, old_sha256);
        revoke.executeUpdate();
        sql::PreparedStatement& insert = c.Prepare(
            "INSERT INTO refresh_tokens (user_id, token_sha256, created_at, expires_at)"
            " VALUES (?, ?, ?, ?)");
        insert.setInt64(1, record.user_id);
        insert.setString(2, new_sha256);
        insert.setDateTime(3, now);
        insert.setDateTime(4, FormatSqlDateTime(new_expires_at));
        insert.executeUpdate();
        return record;
      });
}

absl::Status UserRepository::RevokeRefreshToken(const CallContext& call, int64_t user_id,
                                                const std::string& token_sha256) {
  return db_.Run("refresh.revoke", call.deadline, [&](MySqlConnection& c) {
    sql::PreparedStatement& revoke = c.Prepare(
        "UPDATE refresh_tokens SET revoked_at = ? WHERE token_sha256 = ? AND user_id = ?"
        " AND revoked_at IS NULL");
    revoke.setDateTime(1, FormatSqlDateTime(absl::Now()));
    revoke.setString(2, token_sha256);
    revoke.setInt64(3, user_id);
    revoke.executeUpdate();
    return absl::OkStatus();
  });
}

absl::StatusOr<ServiceAccount> UserRepository::CreateServiceAccount(const CallContext& call,
                                                                    const ServiceAccount& account,
                                                                    const std::string& key_sha256,
                                                                    const std::string& key_prefix,
                                                                    const std::string& request_id) {
  const std::string key = CallerRequestKey(call, request_id);
  return db_.RunInTransaction(
      "service_account.create", call.deadline,
      [&](MySqlConnection& c) -> absl::StatusOr<ServiceAccount> {
        if (!key.empty()) {
          sql::PreparedStatement& find =
              c.Prepare("SELECT id FROM service_accounts WHERE create_request_id = ?");
          find.setString(1, key);
          std::unique_ptr<sql::ResultSet> rs(find.executeQuery());
          // The key was shown once, to the first call; a retry cannot show it again.
          if (rs->next()) {
            return absl::AlreadyExistsError(
                "this request already created a service account; its key was shown then");
          }
        }
        sql::PreparedStatement& insert = c.Prepare(
            "INSERT INTO service_accounts (name, roles, key_sha256, key_prefix, create_request_id,"
            " created_at) VALUES (?, ?, ?, ?, ?, ?)");
        insert.setString(1, account.name());
        insert.setString(2, absl::StrJoin(account.roles(), ","));
        insert.setString(3, key_sha256);
        insert.setString(4, key_prefix);
        SetStringOrNull(insert, 5, key);
        insert.setDateTime(6, FormatSqlDateTime(absl::Now()));
        insert.executeUpdate();
        ServiceAccount created = *LoadAccount(c, c.LastInsertId(), false);
        AppendChange(c, call, ChangeOp::kCreate, created.id(), created);
        return created;
      });
}

absl::StatusOr<std::vector<ServiceAccount>> UserRepository::ListServiceAccounts(
    const CallContext& call) {
  return db_.Run("service_account.list", call.deadline,
                 [&](MySqlConnection& c) -> absl::StatusOr<std::vector<ServiceAccount>> {
                   std::unique_ptr<sql::ResultSet> rs(
                       c.Prepare(absl::StrCat("SELECT ", kAccountColumns,
                                              " FROM service_accounts ORDER BY id"))
                           .executeQuery());
                   std::vector<ServiceAccount> accounts;
                   while (rs->next()) accounts.push_back(ReadAccount(*rs));
                   return accounts;
                 });
}

absl::StatusOr<ServiceAccount> UserRepository::RevokeServiceAccount(const CallContext& call,
                                                                    int64_t id) {
  return db_.RunInTransaction(
      "service_account.revoke", call.deadline,
      [&](MySqlConnection& c) -> absl::StatusOr<ServiceAccount> {
        std::unique_ptr<ServiceAccount> account = LoadAccount(c, id, /*for_update=*/true);
        if (!account)
          return absl::NotFoundError(absl::StrCat("service account ", id, " not found"));
        if (account->revoked()) return *account;  // idempotent
        sql::PreparedStatement& revoke =
            c.Prepare("UPDATE service_accounts SET revoked_at = ? WHERE id = ?");
        revoke.setDateTime(1, FormatSqlDateTime(absl::Now()));
        revoke.setInt64(2, id);
        revoke.executeUpdate();
        ServiceAccount revoked = *LoadAccount(c, id, false);
        AppendChange(c, call, ChangeOp::kDelete, id, revoked);
        return revoked;
      });
}

absl::StatusOr<std::vector<v1::ActiveApiKey>> UserRepository::ActiveApiKeys(
    const CallContext& call) {
  return db_.Run("service_account.keys", call.deadline,
                 [&](MySqlConnection& c) -> absl::StatusOr<std::vector<v1::ActiveApiKey>> {
                   std::unique_ptr<sql::ResultSet> rs(
                       c.Prepare(absl::StrCat("SELECT ", kAccountColumns,
                                              ", key_sha256 FROM service_accounts"
                                              " WHERE revoked_at IS NULL"))
                           .executeQuery());
                   std::vector<v1::ActiveApiKey> keys;
                   while (rs->next()) {
                     v1::ActiveApiKey key;
                     *key.mutable_service_account() = ReadAccount(*rs);
                     key.set_key_sha256(rs->getString(7));
                     keys.push_back(std::move(key));
                   }
                   return keys;
                 });
}

}  // namespace crm::org
