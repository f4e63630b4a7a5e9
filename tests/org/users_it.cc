// Users against a real MariaDB: the first administrator, validation,
// passwords, and the guards that keep an administrator.
#include "tests/org/users_fixture.h"

namespace crm::org {
namespace {

using testing_users::kPassword;
using testing_users::kSecret;
using testing_users::UsersTest;

TEST_F(UsersTest, TheFirstStartCreatesTheAdministratorOnce) {
  ASSERT_TRUE(auth_->BootstrapAdministrator("Adm1n-passw0rd", Clock::System()).ok());
  ASSERT_TRUE(auth_->BootstrapAdministrator("another-passw0rd", Clock::System()).ok());
  EXPECT_EQ(Query("SELECT COUNT(*) FROM users"), "1");
  EXPECT_EQ(Query("SELECT roles FROM users WHERE username = 'admin'"), "administrator");
  // Stored as an argon2id hash, never the password.
  const std::string hash = Query("SELECT password_hash FROM users WHERE username = 'admin'");
  EXPECT_EQ(hash.rfind("$argon2id$", 0), 0u) << hash;
  EXPECT_EQ(hash.find("Adm1n-passw0rd"), std::string::npos);
  EXPECT_TRUE(Login("admin", "Adm1n-passw0rd").ok());
  EXPECT_FALSE(Login("admin", "another-passw0rd").ok());
}

TEST_F(UsersTest, ChangingAndResettingPasswords) {
  v1::User user = CreateUser("pw.user", {"sales"});
  CallContext as_user = As(user.id(), Bit(Role::kSales));
  google::protobuf::Empty empty;
  v1::ChangePasswordRequest change;
  change.set_current_password("not-it-at-all");
  change.set_new_password("N3w-password");
  absl::Status wrong = auth_->ChangePassword(as_user, change, &empty);
  EXPECT_EQ(wrong.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(std::string(wrong.message()).find("current_password"), std::string::npos);
  change.set_current_password(kPassword);
  change.set_new_password("short");
  EXPECT_EQ(auth_->ChangePassword(as_user, change, &empty).code(),
            absl::StatusCode::kInvalidArgument);
  change.set_new_password("N3w-password");
  ASSERT_TRUE(auth_->ChangePassword(as_user, change, &empty).ok());
  EXPECT_FALSE(Login("pw.user").ok());
  EXPECT_TRUE(Login("pw.user", "N3w-password").ok());

  v1::ResetPasswordRequest reset;
  reset.set_user_id(user.id());
  reset.set_new_password("Res3t-password");
  ASSERT_TRUE(auth_->ResetPassword(Admin(), reset, &empty).ok());
  EXPECT_TRUE(Login("pw.user", "Res3t-password").ok());
  // The audit trail records the change, never a hash.
  EXPECT_EQ(Query("SELECT COUNT(*) FROM change_log WHERE entity_type = 'crm.org.v1.User'"
                  " AND operation = 2"),
            "2");
}

TEST_F(UsersTest, UserValidationAndUniqueness) {
  v1::CreateUserRequest request;
  request.mutable_user()->set_username("x");
  request.mutable_user()->add_roles("emperor");
  request.set_password("123");
  v1::User user;
  absl::Status status = auth_->CreateUser(Admin(), request, &user);
  ASSERT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  for (const char* field : {"user.username", "password", "user.roles"}) {
    EXPECT_NE(std::string(status.message()).find(field), std::string::npos) << field;
  }
  request.mutable_user()->set_username("sys.user");
  request.mutable_user()->clear_roles();
  request.mutable_user()->add_roles("system");  // internal only
  request.set_password(kPassword);
  EXPECT_EQ(auth_->CreateUser(Admin(), request, &user).code(), absl::StatusCode::kInvalidArgument);
  CreateUser("taken.name", {"sales"});
  request.mutable_user()->set_username("taken.name");
  request.mutable_user()->clear_roles();
  request.mutable_user()->add_roles("sales");
  EXPECT_EQ(auth_->CreateUser(Admin(), request, &user).code(), absl::StatusCode::kAlreadyExists);
  EXPECT_EQ(Query("SELECT COUNT(*) FROM users"), "1");
}

TEST_F(UsersTest, TheLastAdministratorStays) {
  ASSERT_TRUE(auth_->BootstrapAdministrator("Adm1n-passw0rd", Clock::System()).ok());
  v1::ListUsersRequest list;
  v1::ListUsersResponse users;
  ASSERT_TRUE(auth_->ListUsers(Admin(), list, &users).ok());
  ASSERT_EQ(users.users_size(), 1);
  v1::UpdateUserRequest demote;
  demote.mutable_user()->set_id(users.users(0).id());
  demote.mutable_user()->set_etag(EtagOfUser(users.users(0).id()));
  demote.mutable_user()->add_roles("sales");
  demote.mutable_update_mask()->add_paths("roles");
  v1::User updated;
  EXPECT_EQ(auth_->UpdateUser(Admin(), demote, &updated).code(),
            absl::StatusCode::kFailedPrecondition);
  CreateUser("second.admin", {"administrator"});
  EXPECT_TRUE(auth_->UpdateUser(Admin(), demote, &updated).ok());
}

TEST_F(UsersTest, AnEmptyMaskChangesTheFieldsSetAndAnUnknownPathIsRefused) {
  v1::User user = CreateUser("wu.jiu", {"sales"});
  // No mask: only the roles are set, so only they change.
  v1::UpdateUserRequest update;
  update.mutable_user()->set_id(user.id());
  update.mutable_user()->set_etag(EtagOfUser(user.id()));
  update.mutable_user()->add_roles("service");
  v1::User updated;
  ASSERT_TRUE(auth_->UpdateUser(Admin(), update, &updated).ok());
  ASSERT_EQ(updated.roles_size(), 1);
  EXPECT_EQ(updated.roles(0), "service");
  EXPECT_FALSE(updated.disabled());
  EXPECT_EQ(updated.etag(), "2");
  // The user name cannot change, and an unknown path is refused; nothing changes.
  for (const char* path : {"username", "no_such_field"}) {
    v1::UpdateUserRequest refused = update;
    refused.mutable_user()->set_username("other");
    refused.mutable_update_mask()->add_paths(path);
    absl::Status status = auth_->UpdateUser(Admin(), refused, &updated);
    EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument) << path;
    EXPECT_NE(std::string(status.message()).find("update_mask"), std::string::npos) << status;
  }
  v1::GetUserRequest get;
  get.set_id(user.id());
  v1::User stored;
  ASSERT_TRUE(auth_->GetUser(Admin(), get, &stored).ok());
  EXPECT_EQ(stored.username(), "wu.jiu");
  EXPECT_EQ(stored.etag(), "2");
}

TEST_F(UsersTest, AnEmployeeWhoLeftCannotLogIn) {
  const v1::Department d = NewDepartment("客服部");
  const v1::Employee e = NewEmployee("周八", d.id());
  CreateUser("zhou.ba", {"service"}, e.id());
  auto tokens = Login("zhou.ba");
  ASSERT_TRUE(tokens.ok());
  ASSERT_TRUE(structure_->employees.Leave(Admin(), e.id(), "2026-11-22", "").ok());
  EXPECT_FALSE(Login("zhou.ba").ok());
  CallContext anonymous;
  v1::RefreshTokenRequest refresh;
  refresh.set_refresh_token(tokens->refresh_token());
  v1::TokenResponse response;
  EXPECT_FALSE(auth_->RefreshToken(anonymous, refresh, &response).ok());
}

// An employee record linked to a user with `roles`.
struct LinkedUser {
  int64_t employee_id;
  v1::User user;
};

TEST_F(UsersTest, AnAdministratorWhoLeavesIsDisabledOnlyByAnAdministratorAndNeverTheLast) {
  ASSERT_TRUE(auth_->BootstrapAdministrator("Adm1n-passw0rd", Clock::System()).ok());
  const int64_t d = NewDepartment("总经办").id();
  auto linked = [&](const std::string& name, const std::string& username) {
    const int64_t e = NewEmployee(name, d).id();
    return LinkedUser{e, CreateUser(username, {"administrator"}, e)};
  };
  const LinkedUser boss = linked("钱总", "qian.zong");
  const auto user_changes = [&](int64_t user_id) {
    return Query(
        "SELECT COUNT(*) FROM change_log WHERE entity_type = 'crm.org.v1.User'"
        " AND entity_id = " +
        std::to_string(user_id));
  };
  const std::string changes_before = user_changes(boss.user.id());

  // Management may record that people left, but not an administrator: that
  // would let it lock the administrators out.
  const CallContext management = As(7, Bit(Role::kManagement));
  EXPECT_EQ(
      structure_->employees.Leave(management, boss.employee_id, "2026-12-01", "").status().code(),
      absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(structure_->employees.Get(Admin(), boss.employee_id)->status(),
            v1::EMPLOYEE_STATUS_ACTIVE);
  EXPECT_TRUE(Login("qian.zong").ok());

  // An administrator may: the user is disabled like UpdateUser would, with
  // its own change row and a new version.
  ASSERT_TRUE(structure_->employees.Leave(Admin(), boss.employee_id, "2026-12-01", "").ok());
  auto disabled = users_->Get(Admin(), boss.user.id());
  ASSERT_TRUE(disabled.ok());
  EXPECT_TRUE(disabled->disabled());
  EXPECT_NE(disabled->etag(), boss.user.etag());
  EXPECT_EQ(std::stoi(user_changes(boss.user.id())), std::stoi(changes_before) + 1);
  EXPECT_FALSE(Login("qian.zong").ok());

  // With the bootstrap administrator disabled, the one left cannot leave.
  const LinkedUser last = linked("孙总", "sun.zong");
  v1::ListUsersResponse all;
  ASSERT_TRUE(auth_->ListUsers(Admin(), v1::ListUsersRequest(), &all).ok());
  for (const v1::User& u : all.users()) {
    if (u.username() != "admin") continue;
    v1::UpdateUserRequest disable;
    disable.mutable_user()->set_id(u.id());
    disable.mutable_user()->set_etag(EtagOfUser(u.id()));
    disable.mutable_user()->set_disabled(true);
    disable.mutable_update_mask()->add_paths("disabled");
    v1::User updated;
    ASSERT_TRUE(auth_->UpdateUser(Admin(), disable, &updated).ok());
  }
  EXPECT_EQ(
      structure_->employees.Leave(Admin(), last.employee_id, "2026-12-02", "").status().code(),
      absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(structure_->employees.Get(Admin(), last.employee_id)->status(),
            v1::EMPLOYEE_STATUS_ACTIVE);
  EXPECT_TRUE(Login("sun.zong").ok());
}

// Two administrators, each removed at the same moment by a different path
// (one demoted, one leaving): exactly one removal succeeds.
TEST_F(UsersTest, TwoConcurrentRemovalsOfTheLastTwoAdministratorsCannotBothSucceed) {
  const int64_t leaving_employee = NewEmployee("李工", NewDepartment("信息部").id()).id();
  CreateUser("li.gong", {"administrator"}, leaving_employee);
  const v1::User demoted = CreateUser("zhao.gong", {"administrator"});
  ASSERT_EQ(Query("SELECT COUNT(*) FROM users WHERE disabled = 0 AND"
                  " FIND_IN_SET('administrator', roles) > 0"),
            "2");
  for (int round = 0; round < 5; ++round) {
    testing::Barrier start(2);
    absl::Status demote_status, leave_status;
    const std::string etag = EtagOfUser(demoted.id());
    std::thread demote([&] {
      v1::UpdateUserRequest request;
      request.mutable_user()->set_id(demoted.id());
      request.mutable_user()->set_etag(etag);
      request.mutable_user()->add_roles("sales");
      request.mutable_update_mask()->add_paths("roles");
      v1::User updated;
      start.ArriveAndWait();
      demote_status = auth_->UpdateUser(Admin(), request, &updated);
    });
    std::thread leave([&] {
      start.ArriveAndWait();
      leave_status =
          structure_->employees.Leave(Admin(), leaving_employee, "2026-12-03", "").status();
    });
    demote.join();
    leave.join();
    EXPECT_NE(demote_status.ok(), leave_status.ok()) << demote_status << " / " << leave_status;
    EXPECT_EQ(Query("SELECT COUNT(*) FROM users WHERE disabled = 0 AND"
                    " FIND_IN_SET('administrator', roles) > 0"),
              "1");
    // Put both back for the next round.
    Exec(
        "UPDATE users SET roles = 'administrator', disabled = 0 WHERE username IN"
        " ('li.gong', 'zhao.gong')");
    Exec("UPDATE employees SET status = 1, leave_date = NULL WHERE id = " +
         std::to_string(leaving_employee));
  }
}

}  // namespace
}  // namespace crm::org
