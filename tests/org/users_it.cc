// Users, log-in, tokens and service accounts against a real MariaDB.
#include <cppconn/prepared_statement.h>
#include <cppconn/resultset.h>

#include <thread>

#include "common/auth/access_token.h"
#include "common/auth/digest.h"
#include "common/auth/identity.h"
#include "common/db/migrations.h"
#include "common/db/sql_time.h"
#include "common/rpc/call_limit.h"
#include "services/org/auth_handlers.h"
#include "services/org/login_throttle_repository.h"
#include "services/org/password_hasher.h"
#include "services/org/refresh_token_repository.h"
#include "services/org/service_account_repository.h"
#include "services/org/token_revocations.h"
#include "services/org/user_repository.h"
#include "tests/org/org_fixture.h"
#include "tests/org/org_structure.h"
#include "tests/support/waiting.h"

namespace crm::org {
namespace {

constexpr char kSecret[] = "users-test-token-secret-0123456789abcdefgh";
constexpr char kPassword[] = "Corr3ct-horse";

class UsersTest : public testing::OrgDatabaseTest {
 protected:
  void SetUp() override {
    OrgDatabaseTest::SetUp();
    users_ = std::make_unique<UserRepository>(*db_);
    login_throttle_ = std::make_unique<LoginThrottleRepository>(*db_);
    refresh_tokens_ = std::make_unique<RefreshTokenRepository>(*db_);
    token_revocations_ = std::make_unique<TokenRevocations>(*db_);
    service_accounts_ = std::make_unique<ServiceAccountRepository>(*db_);
    structure_ = std::make_unique<testing::OrgStructure>(*db_);
    // argon2id with small limits: the tests hash many passwords.
    hasher_ = std::make_unique<PasswordHasher>(1, 8 * 1024 * 1024);
    Build(AuthSettings());
  }

  void Build(AuthSettings settings) {
    settings.token_secret = *TokenSecret::FromString(kSecret);
    auth_ = std::make_unique<AuthHandlers>(
        AuthRepositories{*users_, *login_throttle_, *refresh_tokens_, *token_revocations_,
                         *service_accounts_, structure_->employees},
        *hasher_, settings);
  }

  // The user's etag as stored now: what an update must name.
  std::string EtagOfUser(int64_t id) {
    v1::GetUserRequest get;
    get.set_id(id);
    v1::User user;
    EXPECT_TRUE(auth_->GetUser(Admin(), get, &user).ok());
    return user.etag();
  }

  v1::User CreateUser(const std::string& username, std::vector<std::string> roles,
                      int64_t employee_id = 0) {
    v1::CreateUserRequest request;
    request.mutable_user()->set_username(username);
    request.mutable_user()->set_employee_id(employee_id);
    for (auto& r : roles) request.mutable_user()->add_roles(r);
    request.set_password(kPassword);
    v1::User user;
    absl::Status status = auth_->CreateUser(Admin(), request, &user);
    EXPECT_TRUE(status.ok()) << status;
    return user;
  }

  absl::StatusOr<v1::TokenResponse> Login(const std::string& username,
                                          const std::string& password = kPassword,
                                          const std::string& client_address = "") {
    v1::LoginRequest request;
    request.set_username(username);
    request.set_password(password);
    v1::TokenResponse response;
    CallContext anonymous;
    anonymous.deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
    anonymous.clock = &clock_;
    anonymous.client_address = client_address;
    absl::Status status = auth_->Login(anonymous, request, &response);
    if (!status.ok()) return status;
    return response;
  }

  std::string Query(const std::string& sql) {
    auto c = pool_->Acquire();
    std::unique_ptr<sql::ResultSet> rs((*c)->Prepare(sql).executeQuery());
    return rs->next() ? std::string(rs->getString(1)) : "";
  }

  std::unique_ptr<UserRepository> users_;
  std::unique_ptr<LoginThrottleRepository> login_throttle_;
  std::unique_ptr<RefreshTokenRepository> refresh_tokens_;
  std::unique_ptr<TokenRevocations> token_revocations_;
  std::unique_ptr<ServiceAccountRepository> service_accounts_;
  std::unique_ptr<testing::OrgStructure> structure_;
  std::unique_ptr<PasswordHasher> hasher_;
  std::unique_ptr<AuthHandlers> auth_;
  // What Login() calls read the time from: back-offs and locks pass when a
  // test moves it, however long the hashing took.
  ManualClock clock_{absl::Now()};
};

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

TEST_F(UsersTest, LoginIssuesATokenCarryingTheEmployeesDepartment) {
  v1::Department department;
  department.set_name("销售部");
  v1::Department d = *structure_->departments.Create(Admin(), department, "");
  v1::Employee employee;
  employee.set_name("李雷");
  employee.set_department_id(d.id());
  v1::Employee e = *structure_->employees.Create(Admin(), employee, "");
  v1::User user = CreateUser("li.lei", {"sales"}, e.id());

  auto tokens = Login("  Li.Lei ");  // user names are trimmed and case-insensitive
  ASSERT_TRUE(tokens.ok()) << tokens.status();
  auto identity =
      VerifyAccessToken(tokens->access_token(), *TokenSecret::FromString(kSecret), UnixNow());
  ASSERT_TRUE(identity.ok()) << identity.status();
  EXPECT_EQ(identity->subject(), "user:" + std::to_string(user.id()));
  EXPECT_EQ(identity->employee_id(), e.id());
  EXPECT_EQ(identity->department_path(), d.path());
  EXPECT_EQ(identity->display_name(), "李雷");
  ASSERT_EQ(identity->roles_size(), 1);
  EXPECT_EQ(identity->roles(0), "sales");
  EXPECT_FALSE(tokens->refresh_token().empty());
}

TEST_F(UsersTest, FailuresNeverSayWhetherTheUserExists) {
  CreateUser("han.meimei", {"sales"});
  absl::Status wrong_password = Login("han.meimei", "wrong-password").status();
  absl::Status unknown_user = Login("nobody.here", "wrong-password").status();
  EXPECT_EQ(wrong_password.code(), absl::StatusCode::kUnauthenticated);
  EXPECT_EQ(wrong_password, unknown_user);
}

TEST_F(UsersTest, RepeatedFailuresSlowDown) {
  AuthSettings settings;
  settings.login.name.slow_down_after = 2;
  settings.login.name.max_backoff = absl::Seconds(1);
  Build(settings);
  CreateUser("slow.user", {"sales"});
  EXPECT_FALSE(Login("slow.user", "bad-one").ok());
  EXPECT_FALSE(Login("slow.user", "bad-two").ok());
  // Even the right password is refused until the back-off has passed.
  EXPECT_EQ(Login("slow.user").status().code(), absl::StatusCode::kUnauthenticated);
  clock_.Advance(absl::Milliseconds(1100));
  EXPECT_TRUE(Login("slow.user").ok());
  EXPECT_TRUE(Login("slow.user").ok());  // success cleared the count
}

TEST_F(UsersTest, ManyFailuresLockTheNameForAWhile) {
  AuthSettings settings;
  settings.login.name.slow_down_after = 100;  // only the lock here
  settings.login.name.lock_after = 3;
  settings.login.name.lock_for = absl::Seconds(1);
  Build(settings);
  CreateUser("locked.user", {"sales"});
  for (int i = 0; i < 3; ++i) EXPECT_FALSE(Login("locked.user", "bad").ok());
  EXPECT_EQ(Login("locked.user").status().code(), absl::StatusCode::kUnauthenticated);
  clock_.Advance(absl::Milliseconds(1100));
  EXPECT_TRUE(Login("locked.user").ok());
}

// Guesses made at the same moment take turns at the name's row: with a lock
// after 3 failures, eight racing wrong guesses check exactly three passwords
// (counted) and the other five are refused unchecked.
TEST_F(UsersTest, RacingGuessesCannotGetPastTheCount) {
  AuthSettings settings;
  settings.login.name.slow_down_after = 100;
  settings.login.name.lock_after = 3;
  settings.login.name.lock_for = absl::Minutes(5);
  Build(settings);
  CreateUser("raced.user", {"sales"});
  testing::Barrier start(8);
  std::vector<std::thread> guesses;
  for (int i = 0; i < 8; ++i) {
    guesses.emplace_back([&, i] {
      start.ArriveAndWait();
      EXPECT_FALSE(Login("raced.user", "guess-" + std::to_string(i)).ok());
    });
  }
  for (std::thread& t : guesses) t.join();
  EXPECT_EQ(Query("SELECT failures FROM login_throttle WHERE username = 'raced.user'"), "3");
  EXPECT_FALSE(Login("raced.user").ok());  // locked
}

// Password checks are bounded: with every place taken, a log-in is refused at
// once (RESOURCE_EXHAUSTED) without counting against the name.
TEST_F(UsersTest, LogInsPastThePasswordCheckLimitAreRefusedAtOnce) {
  CallLimit checks(1);
  AuthSettings settings;
  settings.password_checks = &checks;
  Build(settings);
  CreateUser("busy.user", {"sales"});
  ASSERT_TRUE(checks.TryEnter());  // another log-in is hashing
  EXPECT_EQ(Login("busy.user").status().code(), absl::StatusCode::kResourceExhausted);
  EXPECT_EQ(Query("SELECT COUNT(*) FROM login_throttle WHERE username = 'busy.user'"), "0");
  checks.Leave();
  EXPECT_TRUE(Login("busy.user").ok());
  EXPECT_EQ(checks.in_flight(), 0);
}

// Someone who knows an administrator's name and fails from their own address
// until the name locks cannot keep the administrator out: from an address
// the administrator logged in from before, the right password still works.
// A new address waits out the lock.
TEST_F(UsersTest, FailuresFromElsewhereCannotLockTheOwnerOut) {
  CreateUser("boss.admin", {"administrator"});
  ASSERT_TRUE(Login("boss.admin", kPassword, "10.0.0.1").ok());  // the office
  for (int i = 0; i < 10; ++i) {
    EXPECT_FALSE(Login("boss.admin", "guess-" + std::to_string(i), "203.0.113.9").ok());
    clock_.Advance(absl::Seconds(31));  // past each back-off, so every guess counts
  }
  EXPECT_FALSE(Login("boss.admin", kPassword, "198.51.100.4").ok());  // locked elsewhere
  EXPECT_FALSE(Login("boss.admin", kPassword, "203.0.113.9").ok());
  EXPECT_TRUE(Login("boss.admin", kPassword, "10.0.0.1").ok());
}

// One address guessing across many names is slowed and then locked as a
// whole, even for a name it has not tried, and with the right password.
TEST_F(UsersTest, OneAddressGuessingManyNamesIsThrottledAcrossThem) {
  AuthSettings settings;
  settings.login.address.slow_down_after = 100;
  settings.login.address.lock_after = 5;
  Build(settings);
  CreateUser("next.victim", {"sales"});
  for (int i = 0; i < 5; ++i) {
    EXPECT_FALSE(Login("user" + std::to_string(i), "wrong", "203.0.113.9").ok());
  }
  EXPECT_FALSE(Login("next.victim", kPassword, "203.0.113.9").ok());
  EXPECT_TRUE(Login("next.victim", kPassword, "10.0.0.1").ok());  // others are not affected
  // Successes from an address are no failures: many log-ins from one office
  // never add up to a lock.
  for (int i = 0; i < 30; ++i) ASSERT_TRUE(Login("next.victim", kPassword, "10.0.0.1").ok()) << i;
  EXPECT_EQ(Query("SELECT failures FROM login_throttle WHERE username = 'addr:10.0.0.1'"), "0");
  // The address's failures fade: after its lock and quiet time it may try again.
  clock_.Advance(absl::Minutes(16));
  EXPECT_TRUE(Login("next.victim", kPassword, "203.0.113.9").ok());
}

// Names idle for a day are forgotten as attempts go on: the table holds only
// recent attempts, not every name ever tried.
TEST_F(UsersTest, OldThrottleRowsAreForgotten) {
  const std::string two_days_ago = FormatSqlDateTime(clock_.Now() - absl::Hours(48));
  Exec("INSERT INTO login_throttle (username, failures, last_failed_at) VALUES ('gone.user', 2, '" +
       two_days_ago + "')");
  EXPECT_FALSE(Login("someone.else", "wrong").ok());
  EXPECT_EQ(Query("SELECT COUNT(*) FROM login_throttle WHERE username = 'gone.user'"), "0");
  EXPECT_EQ(Query("SELECT failures FROM login_throttle WHERE username = 'someone.else'"), "1");
}

TEST_F(UsersTest, RefreshTokensAreSingleUseAndLogoutRevokesThem) {
  v1::User user = CreateUser("refresh.user", {"sales"});
  auto tokens = Login("refresh.user");
  ASSERT_TRUE(tokens.ok());
  CallContext anonymous;
  anonymous.deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  v1::RefreshTokenRequest refresh;
  refresh.set_refresh_token(tokens->refresh_token());
  v1::TokenResponse second;
  ASSERT_TRUE(auth_->RefreshToken(anonymous, refresh, &second).ok());
  EXPECT_NE(second.refresh_token(), tokens->refresh_token());
  // Replaying the used token fails and revokes its successor as well.
  v1::TokenResponse replay;
  EXPECT_EQ(auth_->RefreshToken(anonymous, refresh, &replay).code(),
            absl::StatusCode::kUnauthenticated);
  refresh.set_refresh_token(second.refresh_token());
  EXPECT_EQ(auth_->RefreshToken(anonymous, refresh, &replay).code(),
            absl::StatusCode::kUnauthenticated);

  auto third = Login("refresh.user");
  v1::LogoutRequest logout;
  logout.set_refresh_token(third->refresh_token());
  google::protobuf::Empty empty;
  CallContext as_user = As(user.id(), Bit(Role::kSales));
  ASSERT_TRUE(auth_->Logout(as_user, logout, &empty).ok());
  refresh.set_refresh_token(third->refresh_token());
  EXPECT_EQ(auth_->RefreshToken(anonymous, refresh, &replay).code(),
            absl::StatusCode::kUnauthenticated);
}

// What the gateway learns (ListTokenRevocations) to refuse access tokens
// before they expire: every event that must end a user's tokens moves their
// version on, and a new log-in carries the new version.
TEST_F(UsersTest, LogOutRoleChangesPasswordsAndDisablingRevokeAccessTokens) {
  v1::User user = CreateUser("revoked.user", {"sales"});
  CallContext as_user = As(user.id(), Bit(Role::kSales));
  auto version_in_a_new_token = [&](const std::string& password) -> int64_t {
    auto tokens = Login("revoked.user", password);
    EXPECT_TRUE(tokens.ok()) << tokens.status();
    if (!tokens.ok()) return -1;
    // The version travels in the token itself, not only in the response.
    auto verified = VerifyAccessToken(tokens->access_token(), *TokenSecret::FromString(kSecret),
                                      absl::ToUnixSeconds(clock_.Now()));
    EXPECT_TRUE(verified.ok());
    EXPECT_EQ(verified->token_version(), tokens->identity().token_version());
    return tokens->identity().token_version();
  };
  auto listed_version = [&](const CallContext& call) -> int64_t {
    v1::ListTokenRevocationsResponse response;
    EXPECT_TRUE(auth_->ListTokenRevocations(call, {}, &response).ok());
    for (const auto& r : response.revocations()) {
      if (r.user_id() == user.id()) return r.token_version();
    }
    return -1;  // not listed
  };
  const int64_t first = version_in_a_new_token(kPassword);
  EXPECT_EQ(listed_version(Admin()), -1);

  auto tokens = Login("revoked.user");
  v1::LogoutRequest logout;
  logout.set_refresh_token(tokens->refresh_token());
  google::protobuf::Empty empty;
  ASSERT_TRUE(auth_->Logout(as_user, logout, &empty).ok());
  EXPECT_EQ(listed_version(Admin()), first + 1);
  EXPECT_EQ(version_in_a_new_token(kPassword), first + 1);

  v1::UpdateUserRequest promote;
  promote.mutable_user()->set_id(user.id());
  promote.mutable_user()->set_etag(EtagOfUser(user.id()));
  promote.mutable_user()->add_roles("department_head");
  promote.mutable_update_mask()->add_paths("roles");
  v1::User updated;
  ASSERT_TRUE(auth_->UpdateUser(Admin(), promote, &updated).ok());
  EXPECT_EQ(listed_version(Admin()), first + 2);

  v1::ResetPasswordRequest reset;
  reset.set_user_id(user.id());
  reset.set_new_password("Res3t-password");
  ASSERT_TRUE(auth_->ResetPassword(Admin(), reset, &empty).ok());
  EXPECT_EQ(listed_version(Admin()), first + 3);

  v1::UpdateUserRequest disable;
  disable.mutable_user()->set_id(user.id());
  disable.mutable_user()->set_etag(EtagOfUser(user.id()));
  disable.mutable_user()->set_disabled(true);
  disable.mutable_update_mask()->add_paths("disabled");
  ASSERT_TRUE(auth_->UpdateUser(Admin(), disable, &updated).ok());
  EXPECT_EQ(listed_version(Admin()), first + 4);

  // Once every token issued before the last revocation has expired, the
  // user is no longer listed (the list stays as short as recent events).
  ManualClock later(absl::Now() + AuthSettings().access_token_ttl + absl::Minutes(2));
  CallContext after_expiry = Admin();
  after_expiry.clock = &later;
  EXPECT_EQ(listed_version(after_expiry), -1);
}

TEST_F(UsersTest, AnEmployeeMovedToAnotherDepartmentGetsTokensWithTheNewOne) {
  v1::Department department;
  department.set_name("Before move");
  const v1::Department from = *structure_->departments.Create(Admin(), department, "");
  department.set_name("After move");
  const v1::Department to = *structure_->departments.Create(Admin(), department, "");
  v1::Employee employee;
  employee.set_name("Moved person");
  employee.set_department_id(from.id());
  const v1::Employee e = *structure_->employees.Create(Admin(), employee, "");
  v1::User user = CreateUser("moved.user", {"sales"}, e.id());
  auto before = Login("moved.user");
  ASSERT_TRUE(before.ok());
  ASSERT_TRUE(structure_->employees
                  .Update(Admin(), e.id(), e.etag(),
                          [&](v1::Employee& edited) {
                            edited.set_department_id(to.id());
                            return absl::OkStatus();
                          })
                  .ok());
  v1::ListTokenRevocationsResponse revoked;
  ASSERT_TRUE(auth_->ListTokenRevocations(Admin(), {}, &revoked).ok());
  ASSERT_EQ(revoked.revocations_size(), 1);
  EXPECT_EQ(revoked.revocations(0).user_id(), user.id());
  EXPECT_GT(revoked.revocations(0).token_version(), before->identity().token_version());
  auto after = Login("moved.user");
  ASSERT_TRUE(after.ok());
  EXPECT_EQ(after->identity().department_id(), to.id());
  EXPECT_EQ(after->identity().token_version(), revoked.revocations(0).token_version());
}

TEST_F(UsersTest, MovingADepartmentRevokesTheTokensOfEveryoneBelowIt) {
  v1::Department department;
  department.set_name("Moving centre");
  const v1::Department centre = *structure_->departments.Create(Admin(), department, "");
  department.set_name("Moving team");
  department.set_parent_id(centre.id());
  const v1::Department team = *structure_->departments.Create(Admin(), department, "");
  department.set_name("Staying put");
  department.set_parent_id(0);
  const v1::Department elsewhere = *structure_->departments.Create(Admin(), department, "");
  department.set_name("New home");
  const v1::Department home = *structure_->departments.Create(Admin(), department, "");
  auto employee_in = [&](const v1::Department& d, const std::string& name) {
    v1::Employee employee;
    employee.set_name(name);
    employee.set_department_id(d.id());
    return *structure_->employees.Create(Admin(), employee, "");
  };
  const v1::User below =
      CreateUser("moving.below", {"department_head"}, employee_in(team, "Team member").id());
  CreateUser("staying.outside", {"sales"}, employee_in(elsewhere, "Elsewhere").id());
  auto before = Login("moving.below");
  ASSERT_TRUE(before.ok());
  ASSERT_TRUE(Login("staying.outside").ok());

  ASSERT_TRUE(structure_->departments.Move(Admin(), centre.id(), home.id(), centre.etag()).ok());
  v1::ListTokenRevocationsResponse revoked;
  ASSERT_TRUE(auth_->ListTokenRevocations(Admin(), {}, &revoked).ok());
  ASSERT_EQ(revoked.revocations_size(), 1);  // the one below, not the one elsewhere
  EXPECT_EQ(revoked.revocations(0).user_id(), below.id());
  EXPECT_GT(revoked.revocations(0).token_version(), before->identity().token_version());
  auto after = Login("moving.below");
  ASSERT_TRUE(after.ok());
  EXPECT_EQ(after->identity().department_path(),
            absl::StrCat("/", home.id(), "/", centre.id(), "/", team.id(), "/"));
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
  v1::Department department;
  department.set_name("客服部");
  v1::Department d = *structure_->departments.Create(Admin(), department, "");
  v1::Employee employee;
  employee.set_name("周八");
  employee.set_department_id(d.id());
  v1::Employee e = *structure_->employees.Create(Admin(), employee, "");
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
  v1::Department department;
  department.set_name("总经办");
  const int64_t d = structure_->departments.Create(Admin(), department, "")->id();
  auto linked = [&](const std::string& name, const std::string& username) {
    v1::Employee employee;
    employee.set_name(name);
    employee.set_department_id(d);
    const int64_t e = structure_->employees.Create(Admin(), employee, "")->id();
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
  v1::Department department;
  department.set_name("信息部");
  const int64_t d = structure_->departments.Create(Admin(), department, "")->id();
  v1::Employee employee;
  employee.set_name("李工");
  employee.set_department_id(d);
  const int64_t leaving_employee = structure_->employees.Create(Admin(), employee, "")->id();
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

TEST_F(UsersTest, ServiceAccountKeysAreShownOnceAndRevocable) {
  v1::CreateServiceAccountRequest request;
  request.mutable_service_account()->set_name("OA 系统");
  request.mutable_service_account()->add_roles("oa_reader");
  v1::CreateServiceAccountResponse created;
  ASSERT_TRUE(auth_->CreateServiceAccount(Admin(), request, &created).ok());
  EXPECT_EQ(created.api_key().rfind("crmk_", 0), 0u);
  EXPECT_EQ(created.service_account().key_prefix(), created.api_key().substr(0, 12));
  // Only the hash is stored.
  EXPECT_EQ(Query("SELECT COUNT(*) FROM service_accounts WHERE key_sha256 = '" +
                  Sha256Hex(created.api_key()) + "'"),
            "1");
  EXPECT_EQ(
      Query("SELECT COUNT(*) FROM service_accounts WHERE key_prefix = '" + created.api_key() + "'"),
      "0");
  v1::ListActiveApiKeysResponse keys;
  ASSERT_TRUE(auth_->ListActiveApiKeys(Admin(), v1::ListActiveApiKeysRequest(), &keys).ok());
  ASSERT_EQ(keys.keys_size(), 1);
  EXPECT_EQ(keys.keys(0).key_sha256(), Sha256Hex(created.api_key()));
  EXPECT_EQ(keys.keys(0).service_account().roles(0), "oa_reader");

  v1::RevokeServiceAccountRequest revoke;
  revoke.set_id(created.service_account().id());
  v1::ServiceAccount revoked;
  ASSERT_TRUE(auth_->RevokeServiceAccount(Admin(), revoke, &revoked).ok());
  EXPECT_TRUE(revoked.revoked());
  keys.Clear();
  ASSERT_TRUE(auth_->ListActiveApiKeys(Admin(), v1::ListActiveApiKeysRequest(), &keys).ok());
  EXPECT_EQ(keys.keys_size(), 0);
}

}  // namespace
}  // namespace crm::org
