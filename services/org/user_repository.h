// SQL for users (crm_org.users): log-in names, password hashes, roles and
// the employee a user is. (Failed log-ins, refresh tokens and service
// accounts have repositories of their own.)
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "common/db/keyset_page.h"
#include "common/rpc/call_context.h"
#include "crm/org/v1/auth.pb.h"

namespace crm {
class Database;
class MySqlConnection;
}  // namespace crm

namespace crm::org {

struct UserRecord {
  v1::User user;
  std::string password_hash;
  int64_t token_version = 0;  // token_revocations.h
};

using UserPage = Page<v1::User>;

// Every write appends its change row in the same transaction. A user's
// locked_until (from the log-in throttle) is shown while it lies ahead of the
// call's clock.
class UserRepository {
 public:
  explicit UserRepository(Database& db) : db_(db) {}

  // ALREADY_EXISTS when the name is taken or the employee already has a
  // user; INVALID_ARGUMENT when the employee does not exist.
  absl::StatusOr<v1::User> Create(const CallContext& call, const v1::User& user,
                                  const std::string& password_hash, const std::string& request_id);
  absl::StatusOr<v1::User> Get(const CallContext& call, int64_t id);
  // NOT_FOUND when there is no such user.
  absl::StatusOr<UserRecord> GetRecord(const CallContext& call, int64_t id);
  // NOT_FOUND when there is no such user name.
  absl::StatusOr<UserRecord> FindByUsername(const CallContext& call, const std::string& username);
  // Locks the user, checks `etag`, lets `change` edit roles, disabled and
  // employee_id, and writes them back when they changed. Refuses a change
  // that would leave no enabled administrator. Any change revokes the user's
  // access tokens (they carry roles); disabling revokes refresh tokens too.
  absl::StatusOr<v1::User> Update(const CallContext& call, int64_t id, const std::string& etag,
                                  const std::function<absl::Status(v1::User&)>& change);
  // By id, after `after_id` (nullopt: the first page).
  absl::StatusOr<UserPage> List(const CallContext& call, int page_size,
                                std::optional<int64_t> after_id);
  // Sets a new hash, revokes every token of the user, clears failures.
  absl::Status SetPassword(const CallContext& call, int64_t user_id,
                           const std::string& password_hash);
  // True when no user exists yet (first start).
  absl::StatusOr<bool> Empty(const CallContext& call);

 private:
  Database& db_;
};

// For LeaveEmployee, inside its transaction (they throw sql::SQLException).
// First: the employee's enabled users, locked, may be disabled by the caller:
// PERMISSION_DENIED when one is an administrator and the caller is not;
// FAILED_PRECONDITION when no enabled administrator would remain.
absl::Status CheckUsersOfEmployeeMayBeDisabled(MySqlConnection& connection, const CallContext& call,
                                               int64_t employee_id);
// Then: disables them as UpdateUser would (every token revoked, version
// moved on, a change row each).
void DisableUsersOfEmployee(MySqlConnection& connection, const CallContext& call,
                            int64_t employee_id);

}  // namespace crm::org
