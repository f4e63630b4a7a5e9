// UsersTest: the org service's users, log-in and token handlers over a
// fresh crm_org schema, and the helpers their tests share (users_it.cc,
// login_it.cc, tokens_it.cc).
#pragma once

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

namespace crm::org::testing_users {

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

  v1::Department NewDepartment(const std::string& name, int64_t parent_id = 0) {
    v1::Department department;
    department.set_name(name);
    department.set_parent_id(parent_id);
    return *structure_->departments.Create(Admin(), department, "");
  }
  v1::Employee NewEmployee(const std::string& name, int64_t department_id) {
    v1::Employee employee;
    employee.set_name(name);
    employee.set_department_id(department_id);
    return *structure_->employees.Create(Admin(), employee, "");
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

}  // namespace crm::org::testing_users
