// UserRepository: prepared statements over users.
#include "services/org/user_repository.h"

#include <cppconn/prepared_statement.h>
#include <cppconn/resultset.h>

#include <algorithm>
#include <memory>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "common/base/status_util.h"
#include "common/db/database.h"
#include "common/db/record_helpers.h"
#include "common/db/sql_time.h"
#include "common/db/sql_where.h"
#include "common/feed/change_log.h"
#include "common/feed/versioned_rows.h"
#include "services/org/login_throttle_repository.h"
#include "services/org/token_revocations.h"

namespace crm::org {
namespace {

using v1::User;

constexpr char kUserColumns[] =
    "u.id, u.username, u.employee_id, u.roles, u.disabled, u.version, u.created_at,"
    " u.updated_at, u.password_hash, t.locked_until, u.token_version";
// Lock state lives with the throttle, by user name.
constexpr char kUserFrom[] = " FROM users u LEFT JOIN login_throttle t ON t.username = u.username";

// `now`: a lock that ended before it is not shown.
UserRecord ReadUser(sql::ResultSet& rs, absl::Time now) {
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
    if (until.ok() && *until > now) SetTimestamp(*until, u.mutable_locked_until());
  }
  record.token_version = rs.getInt64(11);
  return record;
}

std::unique_ptr<UserRecord> LoadUser(MySqlConnection& c, int64_t id, bool for_update,
                                     absl::Time now) {
  sql::PreparedStatement& stmt = c.Prepare(absl::StrCat(
      "SELECT ", kUserColumns, kUserFrom, " WHERE u.id = ?", for_update ? " FOR UPDATE" : ""));
  stmt.setInt64(1, id);
  std::unique_ptr<sql::ResultSet> rs(stmt.executeQuery());
  if (!rs->next()) return nullptr;
  return std::make_unique<UserRecord>(ReadUser(*rs, now));
}

// The users table as the call sees it: lock state is judged by its clock.
RecordTable<User> UsersAsOf(const CallContext& call) {
  const absl::Time now = call.Now();
  return {"users", "user",
          [now](MySqlConnection& c, int64_t id, bool for_update) -> std::unique_ptr<User> {
            std::unique_ptr<UserRecord> record = LoadUser(c, id, for_update, now);
            return record ? std::make_unique<User>(std::move(record->user)) : nullptr;
          }};
}

bool IsEnabledAdministrator(const User& u) {
  if (u.disabled()) return false;
  for (const std::string& role : u.roles()) {
    if (role == "administrator") return true;
  }
  return false;
}

// Locks every enabled administrator's row and refuses when none but those in
// `leaving` (their ids) would remain. The lock makes two such changes run one
// after the other, so two that each leave one administrator cannot both
// pass: under REPEATABLE READ a plain count would show each the other's
// administrator still there. (Two that lock in opposite order deadlock;
// RunInTransaction retries the loser, which then sees the winner's commit.)
absl::Status KeepAnEnabledAdministrator(MySqlConnection& c, const std::vector<int64_t>& leaving) {
  // roles is a short comma list: FIND_IN_SET reads it exactly.
  std::unique_ptr<sql::ResultSet> rs(c.Prepare("SELECT id FROM users WHERE disabled = 0 AND"
                                               " FIND_IN_SET('administrator', roles) > 0"
                                               " FOR UPDATE")
                                         .executeQuery());
  while (rs->next()) {
    if (std::find(leaving.begin(), leaving.end(), rs->getInt64(1)) == leaving.end()) {
      return absl::OkStatus();
    }
  }
  return absl::FailedPreconditionError("that would leave no enabled administrator");
}

// The ids of the enabled users of `employee_id`, locked; `administrators`
// gets those among them who are administrators.
std::vector<int64_t> LockEnabledUsersOfEmployee(MySqlConnection& c, int64_t employee_id,
                                                std::vector<int64_t>* administrators) {
  sql::PreparedStatement& stmt = c.Prepare(
      "SELECT id, FIND_IN_SET('administrator', roles) > 0 FROM users"
      " WHERE employee_id = ? AND disabled = 0 FOR UPDATE");
  stmt.setInt64(1, employee_id);
  std::unique_ptr<sql::ResultSet> rs(stmt.executeQuery());
  std::vector<int64_t> ids;
  while (rs->next()) {
    ids.push_back(rs->getInt64(1));
    if (rs->getInt(2) != 0) administrators->push_back(rs->getInt64(1));
  }
  return ids;
}

bool Exists(MySqlConnection& c, const char* sql, int64_t id) {
  sql::PreparedStatement& stmt = c.Prepare(sql);
  stmt.setInt64(1, id);
  return std::unique_ptr<sql::ResultSet>(stmt.executeQuery())->next();
}

}  // namespace

absl::StatusOr<User> UserRepository::Create(const CallContext& call, const User& user,
                                            const std::string& password_hash,
                                            const std::string& request_id) {
  return CreateOnce(
      db_, call, UsersAsOf(call), request_id,
      [&](MySqlConnection& c, const std::string& request_key) -> absl::StatusOr<int64_t> {
        sql::PreparedStatement& taken = c.Prepare("SELECT 1 FROM users WHERE username = ?");
        taken.setString(1, user.username());
        if (std::unique_ptr<sql::ResultSet>(taken.executeQuery())->next()) {
          return absl::AlreadyExistsError(
              absl::StrCat("the user name '", user.username(), "' is taken"));
        }
        if (user.employee_id() != 0) {
          if (!Exists(c, "SELECT 1 FROM employees WHERE id = ?", user.employee_id())) {
            return InvalidField("user.employee_id",
                                absl::StrCat("employee ", user.employee_id(), " does not exist"));
          }
          if (Exists(c, "SELECT 1 FROM users WHERE employee_id = ?", user.employee_id())) {
            return absl::AlreadyExistsError(
                absl::StrCat("employee ", user.employee_id(), " already has a user"));
          }
        }
        const std::string now = FormatSqlDateTime(call.Now());
        sql::PreparedStatement& insert = c.Prepare(
            "INSERT INTO users (username, employee_id, password_hash, roles, disabled, version,"
            " create_request_id, created_at, updated_at, password_changed_at)"
            " VALUES (?, ?, ?, ?, ?, 1, ?, ?, ?, ?)");
        insert.setString(1, user.username());
        SetIdOrNull(insert, 2, user.employee_id());
        insert.setString(3, password_hash);
        insert.setString(4, absl::StrJoin(user.roles(), ","));
        insert.setInt(5, user.disabled() ? 1 : 0);
        SetStringOrNull(insert, 6, request_key);
        insert.setDateTime(7, now);
        insert.setDateTime(8, now);
        insert.setDateTime(9, now);
        insert.executeUpdate();
        return c.LastInsertId();
      });
}

absl::StatusOr<User> UserRepository::Get(const CallContext& call, int64_t id) {
  CRM_ASSIGN_OR_RETURN(UserRecord record, GetRecord(call, id));
  return std::move(record.user);
}

absl::StatusOr<UserRecord> UserRepository::GetRecord(const CallContext& call, int64_t id) {
  return db_.Run("user.get", call.deadline, [&](MySqlConnection& c) -> absl::StatusOr<UserRecord> {
    std::unique_ptr<UserRecord> record = LoadUser(c, id, false, call.Now());
    if (!record) return absl::NotFoundError(absl::StrCat("user ", id, " not found"));
    return std::move(*record);
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
    return ReadUser(*rs, call.Now());
  });
}

absl::StatusOr<User> UserRepository::Update(const CallContext& call, int64_t id,
                                            const std::string& etag,
                                            const std::function<absl::Status(User&)>& change) {
  auto edit = [&](MySqlConnection& c, User& u) -> absl::Status {
    const bool was_admin = IsEnabledAdministrator(u);
    const int64_t old_employee = u.employee_id();
    CRM_RETURN_IF_ERROR(change(u));
    if (was_admin && !IsEnabledAdministrator(u)) {
      CRM_RETURN_IF_ERROR(KeepAnEnabledAdministrator(c, {id}));
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
    return absl::OkStatus();
  };
  auto write = [&](MySqlConnection& c, const User& u) {
    sql::PreparedStatement& update =
        c.Prepare("UPDATE users SET employee_id = ?, roles = ?, disabled = ? WHERE id = ?");
    SetIdOrNull(update, 1, u.employee_id());
    update.setString(2, absl::StrJoin(u.roles(), ","));
    update.setInt(3, u.disabled() ? 1 : 0);
    update.setInt64(4, id);
    update.executeUpdate();
    // Tokens carry roles and department: tokens issued before the change
    // stop working (a disabled user's refresh tokens too).
    const std::string now = FormatSqlDateTime(call.Now());
    u.disabled() ? RevokeAllTokens(c, id, now) : RevokeAccessTokens(c, id, now);
  };
  return UpdateVersioned(db_, call, UsersAsOf(call), id, etag, edit, write);
}

absl::StatusOr<UserPage> UserRepository::List(const CallContext& call, int page_size,
                                              std::optional<int64_t> after_id) {
  return db_.Run("user.list", call.deadline, [&](MySqlConnection& c) -> absl::StatusOr<UserPage> {
    KeysetQuery q(absl::StrCat("SELECT ", kUserColumns, kUserFrom), "FROM users u", SqlWhere(),
                  " ORDER BY u.id", page_size);
    if (after_id) q.After("u.id > ?", {*after_id});
    const absl::Time now = call.Now();
    return ReadKeysetPage<User>(c, q, [now](sql::ResultSet& rs) { return ReadUser(rs, now).user; });
  });
}

// Not UpdateVersioned: the hash is no part of the record, yet its change
// must always be written.
absl::Status UserRepository::SetPassword(const CallContext& call, int64_t user_id,
                                         const std::string& password_hash) {
  return db_.RunInTransaction("user.password", call.deadline, [&](MySqlConnection& c) {
    std::unique_ptr<UserRecord> record = LoadUser(c, user_id, /*for_update=*/true, call.Now());
    if (!record) return absl::NotFoundError(absl::StrCat("user ", user_id, " not found"));
    const std::string now = FormatSqlDateTime(call.Now());
    sql::PreparedStatement& update =
        c.Prepare("UPDATE users SET password_hash = ?, password_changed_at = ? WHERE id = ?");
    update.setString(1, password_hash);
    update.setDateTime(2, now);
    update.setInt64(3, user_id);
    update.executeUpdate();
    TouchVersion(c, "users", user_id, call.Now());
    RevokeAllTokens(c, user_id, now);
    ClearLoginFailures(c, record->user.username());
    // The change row says the password changed, and by whom; never the hash.
    User changed = LoadUser(c, user_id, false, call.Now())->user;
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

absl::Status CheckUsersOfEmployeeMayBeDisabled(MySqlConnection& c, const CallContext& call,
                                               int64_t employee_id) {
  std::vector<int64_t> administrators;
  LockEnabledUsersOfEmployee(c, employee_id, &administrators);
  if (administrators.empty()) return absl::OkStatus();
  if (!call.caller.Has(Role::kAdministrator)) {
    return absl::PermissionDeniedError(
        "the employee is an administrator: only an administrator may record that they left");
  }
  return KeepAnEnabledAdministrator(c, administrators);
}

void DisableUsersOfEmployee(MySqlConnection& c, const CallContext& call, int64_t employee_id) {
  std::vector<int64_t> unused;
  const RecordTable<User> users = UsersAsOf(call);
  const std::string now = FormatSqlDateTime(call.Now());
  for (int64_t id : LockEnabledUsersOfEmployee(c, employee_id, &unused)) {
    sql::PreparedStatement& disable = c.Prepare("UPDATE users SET disabled = 1 WHERE id = ?");
    disable.setInt64(1, id);
    disable.executeUpdate();
    RevokeAllTokens(c, id, now);
    TouchVersion(c, "users", id, call.Now());
    AppendChange(c, call, ChangeOp::kUpdate, id, *users.load(c, id, /*for_update=*/false));
  }
}

}  // namespace crm::org
