// Log-in, tokens, users and service accounts (R29): the handlers behind
// OrgService's auth methods.
#pragma once

#include <string>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "common/auth/access_token.h"
#include "common/rpc/call_context.h"
#include "crm/org/v1/auth.pb.h"
#include "google/protobuf/empty.pb.h"
#include "services/org/login_throttle_repository.h"

namespace crm {
class CallLimit;
}

namespace crm::org {

class EmployeeRepository;
class LoginThrottleRepository;
class PasswordHasher;
class RefreshTokenRepository;
class ServiceAccountRepository;
class TokenRevocations;
class UserRepository;
struct UserRecord;

// The tables log-in and account management read and write.
struct AuthRepositories {
  UserRepository& users;
  LoginThrottleRepository& login_throttle;
  RefreshTokenRepository& refresh_tokens;
  TokenRevocations& token_revocations;
  ServiceAccountRepository& service_accounts;
  EmployeeRepository& employees;  // where a user who is an employee sits
};

struct AuthSettings {
  TokenSecret token_secret;
  absl::Duration access_token_ttl = absl::Minutes(15);
  absl::Duration refresh_token_ttl = absl::Hours(24 * 14);
  // Failed log-ins slow down, then lock, the name and the client address
  // (login_throttle_repository.h).
  LoginThrottleRules login;
  // Password checks running at once (each argon2id hash takes a thread and
  // its memory); more log-ins are refused at once with RESOURCE_EXHAUSTED, so
  // a flood of log-ins, to unknown names too, leaves the service's other
  // threads free. Null: unbounded (tests that do not need it).
  CallLimit* password_checks = nullptr;
};

class AuthHandlers {
 public:
  // Token expiry and log-in throttling read each call's clock.
  AuthHandlers(AuthRepositories repositories, const PasswordHasher& hasher, AuthSettings settings);

  absl::Status Login(const CallContext& call, const v1::LoginRequest& request,
                     v1::TokenResponse* response);
  absl::Status RefreshToken(const CallContext& call, const v1::RefreshTokenRequest& request,
                            v1::TokenResponse* response);
  absl::Status Logout(const CallContext& call, const v1::LogoutRequest& request,
                      google::protobuf::Empty* response);
  absl::Status ChangePassword(const CallContext& call, const v1::ChangePasswordRequest& request,
                              google::protobuf::Empty* response);
  absl::Status GetCurrentUser(const CallContext& call, const v1::GetCurrentUserRequest& request,
                              v1::CurrentUser* response);

  absl::Status CreateUser(const CallContext& call, const v1::CreateUserRequest& request,
                          v1::User* response);
  absl::Status GetUser(const CallContext& call, const v1::GetUserRequest& request,
                       v1::User* response);
  absl::Status UpdateUser(const CallContext& call, const v1::UpdateUserRequest& request,
                          v1::User* response);
  absl::Status ListUsers(const CallContext& call, const v1::ListUsersRequest& request,
                         v1::ListUsersResponse* response);
  absl::Status ResetPassword(const CallContext& call, const v1::ResetPasswordRequest& request,
                             google::protobuf::Empty* response);

  absl::Status CreateServiceAccount(const CallContext& call,
                                    const v1::CreateServiceAccountRequest& request,
                                    v1::CreateServiceAccountResponse* response);
  absl::Status ListServiceAccounts(const CallContext& call,
                                   const v1::ListServiceAccountsRequest& request,
                                   v1::ListServiceAccountsResponse* response);
  absl::Status RevokeServiceAccount(const CallContext& call,
                                    const v1::RevokeServiceAccountRequest& request,
                                    v1::ServiceAccount* response);
  absl::Status ListActiveApiKeys(const CallContext& call,
                                 const v1::ListActiveApiKeysRequest& request,
                                 v1::ListActiveApiKeysResponse* response);
  // The users whose tokens were revoked within the access-token lifetime
  // (and a minute for clocks apart).
  absl::Status ListTokenRevocations(const CallContext& call,
                                    const v1::ListTokenRevocationsRequest& request,
                                    v1::ListTokenRevocationsResponse* response);

  // On a first start (no user at all), creates the user "admin" with the
  // administrator role and this password, at `clock`'s time.
  absl::Status BootstrapAdministrator(const std::string& password, const Clock& clock);

 private:
  absl::Status IssueTokens(const CallContext& call, const UserRecord& user,
                           v1::TokenResponse* response);

  UserRepository& users_;
  LoginThrottleRepository& login_throttle_;
  RefreshTokenRepository& refresh_tokens_;
  TokenRevocations& token_revocations_;
  ServiceAccountRepository& service_accounts_;
  EmployeeRepository& employees_;
  const PasswordHasher& hasher_;
  const AuthSettings settings_;
};

}  // namespace crm::org
