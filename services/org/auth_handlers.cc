// AuthHandlers.
#include "services/org/auth_handlers.h"

#include <sodium.h>

#include <algorithm>
#include <cmath>
#include <optional>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "common/auth/digest.h"
#include "common/auth/identity.h"
#include "common/auth/permissions.h"
#include "common/base/logging.h"
#include "common/base/status_util.h"
#include "common/db/migrations.h"
#include "common/db/record_helpers.h"
#include "common/rpc/call_limit.h"
#include "common/rpc/paging.h"
#include "common/rpc/update_mask.h"
#include "common/text/text_checks.h"
#include "services/org/employee_repository.h"
#include "services/org/login_throttle_repository.h"
#include "services/org/password_hasher.h"
#include "services/org/refresh_token_repository.h"
#include "services/org/service_account_repository.h"
#include "services/org/token_revocations.h"
#include "services/org/user_repository.h"

namespace crm::org {
namespace {

using v1::User;

// What UpdateUser may change: the user name is fixed, the password has
// methods of its own.
const MaskFields<User>& UserFields() {
  static const auto* fields = new MaskFields<User>{
      {"roles",
       {[](const User& from, User& to) { *to.mutable_roles() = from.roles(); },
        [](const User& u) { return u.roles_size() > 0; }}},
      {"disabled", ScalarField(&User::disabled, &User::set_disabled)},
      {"employee_id", ScalarField(&User::employee_id, &User::set_employee_id)},
  };
  return *fields;
}

// One answer for every failed log-in: it must not tell whether the name exists,
// whether the password was wrong, or whether the name is being throttled.
absl::Status LoginFailed() {
  return absl::UnauthenticatedError(
      "invalid user name or password, or too many failed attempts: wait a moment and retry");
}

std::string NormalizeUsername(const std::string& username) {
  return absl::AsciiStrToLower(TrimText(username));
}

void CheckUsername(FieldViolations& violations, const std::string& field,
                   const std::string& username) {
  if (username.size() < 3 || username.size() > 64) {
    violations.Add(field, "must be 3 to 64 characters");
    return;
  }
  for (char c : username) {
    if (!absl::ascii_islower(c) && !absl::ascii_isdigit(c) && c != '.' && c != '_' && c != '-') {
      violations.Add(field, "may contain only a-z, 0-9, '.', '_' and '-'");
      return;
    }
  }
}

// "<prefix>" + 32 random bytes in URL-safe base64.
std::string RandomSecret(absl::string_view prefix) {
  unsigned char bytes[32];
  randombytes_buf(bytes, sizeof(bytes));
  char text[sodium_base64_ENCODED_LEN(sizeof(bytes), sodium_base64_VARIANT_URLSAFE_NO_PADDING)];
  sodium_bin2base64(text, sizeof(text), bytes, sizeof(bytes),
                    sodium_base64_VARIANT_URLSAFE_NO_PADDING);
  return absl::StrCat(prefix, text);
}

void CheckRoles(FieldViolations& violations, const std::string& field,
                const google::protobuf::RepeatedPtrField<std::string>& roles) {
  if (roles.empty()) {
    violations.Add(field, "at least one role is required");
    return;
  }
  for (const std::string& name : roles) {
    absl::StatusOr<Role> role = ParseRole(name);
    if (!role.ok() || !Assignable(*role)) {
      violations.Add(field, absl::StrCat("unknown role '", name,
                                         "'; roles are administrator, management, "
                                         "department_head, sales, service, implementer, "
                                         "read_only, oa_reader"));
      return;
    }
  }
}

}  // namespace

AuthHandlers::AuthHandlers(AuthRepositories repositories, const PasswordHasher& hasher,
                           AuthSettings settings)
    : users_(repositories.users),
      login_throttle_(repositories.login_throttle),
      refresh_tokens_(repositories.refresh_tokens),
      token_revocations_(repositories.token_revocations),
      service_accounts_(repositories.service_accounts),
      employees_(repositories.employees),
      hasher_(hasher),
      settings_(std::move(settings)) {}

absl::Status AuthHandlers::IssueTokens(const CallContext& call, const UserRecord& record,
                                       v1::TokenResponse* response) {
  const v1::User& user = record.user;
  const int64_t now = absl::ToUnixSeconds(call.Now());
  common::v1::Identity identity;
  identity.set_token_version(record.token_version);
  identity.set_subject(absl::StrCat("user:", user.id()));
  identity.set_user_id(user.id());
  identity.set_display_name(user.username());
  for (const std::string& role : user.roles()) identity.add_roles(role);
  if (user.employee_id() != 0) {
    CRM_ASSIGN_OR_RETURN(EmployeePlacement placement,
                         employees_.Placement(call, user.employee_id()));
    if (!placement.active) return LoginFailed();
    identity.set_employee_id(placement.employee_id);
    identity.set_department_id(placement.department_id);
    identity.set_department_path(placement.department_path);
    identity.set_display_name(placement.name);
  }
  identity.set_expires_at(now + absl::ToInt64Seconds(settings_.access_token_ttl));
  CRM_ASSIGN_OR_RETURN(std::string access_token,
                       IssueAccessToken(identity, settings_.token_secret, now));
  response->set_access_token(std::move(access_token));
  response->set_expires_in_seconds(absl::ToInt64Seconds(settings_.access_token_ttl));
  response->set_refresh_expires_in_seconds(absl::ToInt64Seconds(settings_.refresh_token_ttl));
  *response->mutable_identity() = std::move(identity);
  return absl::OkStatus();
}

absl::Status AuthHandlers::Login(const CallContext& call, const v1::LoginRequest& request,
                                 v1::TokenResponse* response) {
  FieldViolations violations;
  if (request.username().empty()) violations.Add("username", "is required");
  if (request.password().empty()) violations.Add("password", "is required");
  if (request.username().size() > 64) violations.Add("username", "is too long");
  if (request.password().size() > 1024) violations.Add("password", "is too long");
  CRM_RETURN_IF_ERROR(violations.ToStatus());
  const std::string username = NormalizeUsername(request.username());

  const absl::Time now = call.Now();
  // Taken before the throttle counts the attempt: a refusal here costs the
  // name nothing.
  struct PasswordCheckPlace {
    CallLimit* limit;
    ~PasswordCheckPlace() {
      if (limit != nullptr) limit->Leave();
    }
  } place{settings_.password_checks};
  if (place.limit != nullptr && !place.limit->TryEnter()) {
    place.limit = nullptr;
    return absl::ResourceExhaustedError("too many log-ins at once; retry in a second");
  }
  CRM_ASSIGN_OR_RETURN(const bool admitted, login_throttle_.Admit(call, username, settings_.login));
  if (!admitted) return LoginFailed();

  absl::StatusOr<UserRecord> record = users_.FindByUsername(call, username);
  if (!record.ok() && record.status().code() != absl::StatusCode::kNotFound) {
    return record.status();
  }
  bool accepted = false;
  if (record.ok()) {
    accepted =
        hasher_.Verify(record->password_hash, request.password()) && !record->user.disabled();
  } else {
    hasher_.VerifyAgainstNothing(request.password());
  }
  if (!accepted) {  // already counted by Admit
    log::Info("log-in refused", {{"username_sha256", Sha256Hex(username).substr(0, 16)}});
    return LoginFailed();
  }
  CRM_RETURN_IF_ERROR(login_throttle_.Succeeded(call, username, settings_.login));
  CRM_RETURN_IF_ERROR(IssueTokens(call, *record, response));
  const std::string refresh = RandomSecret("crmr_");
  CRM_RETURN_IF_ERROR(refresh_tokens_.Store(call, record->user.id(), Sha256Hex(refresh),
                                            now + settings_.refresh_token_ttl));
  response->set_refresh_token(refresh);
  return absl::OkStatus();
}

absl::Status AuthHandlers::RefreshToken(const CallContext& call,
                                        const v1::RefreshTokenRequest& request,
                                        v1::TokenResponse* response) {
  if (request.refresh_token().empty() || request.refresh_token().size() > 128) {
    return InvalidField("refresh_token", "is required");
  }
  const std::string next = RandomSecret("crmr_");
  const std::string next_sha = Sha256Hex(next);
  CRM_ASSIGN_OR_RETURN(RefreshTokenRecord used,
                       refresh_tokens_.Rotate(call, Sha256Hex(request.refresh_token()), next_sha,
                                              call.Now() + settings_.refresh_token_ttl));
  if (used.revoked) {
    return absl::UnauthenticatedError(
        "the refresh token was already used or revoked; log in again");
  }
  if (used.expires_at <= call.Now()) {
    return absl::UnauthenticatedError("the refresh token has expired; log in again");
  }
  absl::StatusOr<UserRecord> user = users_.GetRecord(call, used.user_id);
  absl::Status issued = user.ok() && !user->user.disabled()
                            ? IssueTokens(call, *user, response)
                            : absl::UnauthenticatedError("the account is disabled");
  if (!issued.ok()) {
    refresh_tokens_.Revoke(call, used.user_id, next_sha).IgnoreError();
    return issued;
  }
  response->set_refresh_token(next);
  return absl::OkStatus();
}

absl::Status AuthHandlers::Logout(const CallContext& call, const v1::LogoutRequest& request,
                                  google::protobuf::Empty*) {
  if (request.refresh_token().empty()) return InvalidField("refresh_token", "is required");
  if (call.caller.user_id == 0) return absl::OkStatus();  // service accounts hold none
  // Every access token of the user stops working too (a version per user, not
  // per token): the user's other sessions refresh theirs.
  return refresh_tokens_.LogOut(call, call.caller.user_id, Sha256Hex(request.refresh_token()));
}

absl::Status AuthHandlers::ChangePassword(const CallContext& call,
                                          const v1::ChangePasswordRequest& request,
                                          google::protobuf::Empty*) {
  if (call.caller.user_id == 0) {
    return absl::FailedPreconditionError("only users have passwords");
  }
  CRM_ASSIGN_OR_RETURN(v1::User user, users_.Get(call, call.caller.user_id));
  FieldViolations violations;
  CheckPasswordPolicy(violations, "new_password", request.new_password(), user.username());
  CRM_RETURN_IF_ERROR(violations.ToStatus());
  CRM_ASSIGN_OR_RETURN(UserRecord record, users_.FindByUsername(call, user.username()));
  if (!hasher_.Verify(record.password_hash, request.current_password())) {
    return InvalidField("current_password", "is not correct");
  }
  CRM_ASSIGN_OR_RETURN(std::string hash, hasher_.Hash(request.new_password()));
  return users_.SetPassword(call, user.id(), hash);
}

absl::Status AuthHandlers::GetCurrentUser(const CallContext& call, const v1::GetCurrentUserRequest&,
                                          v1::CurrentUser* response) {
  common::v1::Identity* identity = response->mutable_identity();
  const Caller& caller = call.caller;
  identity->set_subject(caller.subject);
  identity->set_user_id(caller.user_id);
  identity->set_employee_id(caller.employee_id);
  identity->set_department_id(caller.department_id);
  identity->set_department_path(caller.department_path);
  identity->set_display_name(caller.display_name);
  for (int r = 0; r <= static_cast<int>(Role::kSystem); ++r) {
    if (caller.Has(static_cast<Role>(r))) identity->add_roles(RoleName(static_cast<Role>(r)));
  }
  if (caller.user_id != 0) {
    CRM_ASSIGN_OR_RETURN(*response->mutable_user(), users_.Get(call, caller.user_id));
  }
  return absl::OkStatus();
}

absl::Status AuthHandlers::CreateUser(const CallContext& call, const v1::CreateUserRequest& request,
                                      v1::User* response) {
  v1::User user = request.user();
  user.set_username(NormalizeUsername(user.username()));
  FieldViolations violations;
  CheckUsername(violations, "user.username", user.username());
  CheckPasswordPolicy(violations, "password", request.password(), user.username());
  CheckRoles(violations, "user.roles", user.roles());
  if (user.employee_id() < 0) violations.Add("user.employee_id", "must not be negative");
  CheckRequestId(violations, request.request_id());
  CRM_RETURN_IF_ERROR(violations.ToStatus());
  CRM_ASSIGN_OR_RETURN(std::string hash, hasher_.Hash(request.password()));
  CRM_ASSIGN_OR_RETURN(*response, users_.Create(call, user, hash, request.request_id()));
  return absl::OkStatus();
}

absl::Status AuthHandlers::GetUser(const CallContext& call, const v1::GetUserRequest& request,
                                   v1::User* response) {
  if (request.id() <= 0) return InvalidField("id", "must be a positive user id");
  CRM_ASSIGN_OR_RETURN(*response, users_.Get(call, request.id()));
  return absl::OkStatus();
}

absl::Status AuthHandlers::UpdateUser(const CallContext& call, const v1::UpdateUserRequest& request,
                                      User* response) {
  const User& patch = request.user();
  if (patch.id() <= 0) return InvalidField("user.id", "must be a positive user id");
  CRM_RETURN_IF_ERROR(RequireEtag(patch.etag(), "user.etag"));
  User scratch;  // a bad mask is refused before the database is touched
  CRM_RETURN_IF_ERROR(ApplyMask(request.update_mask(), UserFields(), patch, scratch));
  auto change = [&](User& stored) -> absl::Status {
    const User before = stored;
    CRM_RETURN_IF_ERROR(ApplyMask(request.update_mask(), UserFields(), patch, stored));
    FieldViolations violations;
    // Roles already stored stay as they are; only new ones are checked.
    if (!std::equal(stored.roles().begin(), stored.roles().end(), before.roles().begin(),
                    before.roles().end())) {
      CheckRoles(violations, "user.roles", stored.roles());
    }
    if (stored.employee_id() < 0) violations.Add("user.employee_id", "must not be negative");
    return violations.ToStatus();
  };
  CRM_ASSIGN_OR_RETURN(*response, users_.Update(call, patch.id(), patch.etag(), change));
  return absl::OkStatus();
}

absl::Status AuthHandlers::ListUsers(const CallContext& call, const v1::ListUsersRequest& request,
                                     v1::ListUsersResponse* response) {
  CRM_ASSIGN_OR_RETURN(PageRequest page, PageRequest::Parse(request, {"users"}));
  CRM_ASSIGN_OR_RETURN(auto after, page.After<int64_t>());
  std::optional<int64_t> after_id;
  if (after) after_id = std::get<0>(*after);
  CRM_ASSIGN_OR_RETURN(UserPage listed, users_.List(call, page.size(), after_id));
  for (User& u : listed.rows) *response->add_users() = std::move(u);
  response->set_total_size(listed.total_size);
  if (listed.has_more) {
    const User& last = response->users(response->users_size() - 1);
    response->set_next_page_token(page.NextToken(listed.has_more, {absl::StrCat(last.id())}));
  }
  return absl::OkStatus();
}

absl::Status AuthHandlers::ResetPassword(const CallContext& call,
                                         const v1::ResetPasswordRequest& request,
                                         google::protobuf::Empty*) {
  if (request.user_id() <= 0) return InvalidField("user_id", "must be a positive user id");
  CRM_ASSIGN_OR_RETURN(v1::User user, users_.Get(call, request.user_id()));
  FieldViolations violations;
  CheckPasswordPolicy(violations, "new_password", request.new_password(), user.username());
  CRM_RETURN_IF_ERROR(violations.ToStatus());
  CRM_ASSIGN_OR_RETURN(std::string hash, hasher_.Hash(request.new_password()));
  return users_.SetPassword(call, user.id(), hash);
}

absl::Status AuthHandlers::CreateServiceAccount(const CallContext& call,
                                                const v1::CreateServiceAccountRequest& request,
                                                v1::CreateServiceAccountResponse* response) {
  v1::ServiceAccount account = request.service_account();
  account.set_name(TrimText(account.name()));
  FieldViolations violations;
  CheckText(violations, "service_account.name", account.name(), 100, Presence::kRequired);
  CheckRoles(violations, "service_account.roles", account.roles());
  CheckRequestId(violations, request.request_id());
  CRM_RETURN_IF_ERROR(violations.ToStatus());
  const std::string key = RandomSecret("crmk_");
  CRM_ASSIGN_OR_RETURN(*response->mutable_service_account(),
                       service_accounts_.Create(call, account, Sha256Hex(key), key.substr(0, 12),
                                                request.request_id()));
  response->set_api_key(key);
  return absl::OkStatus();
}

absl::Status AuthHandlers::ListServiceAccounts(const CallContext& call,
                                               const v1::ListServiceAccountsRequest&,
                                               v1::ListServiceAccountsResponse* response) {
  CRM_ASSIGN_OR_RETURN(std::vector<v1::ServiceAccount> accounts, service_accounts_.List(call));
  for (v1::ServiceAccount& a : accounts) *response->add_service_accounts() = std::move(a);
  return absl::OkStatus();
}

absl::Status AuthHandlers::RevokeServiceAccount(const CallContext& call,
                                                const v1::RevokeServiceAccountRequest& request,
                                                v1::ServiceAccount* response) {
  if (request.id() <= 0) return InvalidField("id", "must be a positive service account id");
  CRM_ASSIGN_OR_RETURN(*response, service_accounts_.Revoke(call, request.id()));
  return absl::OkStatus();
}

absl::Status AuthHandlers::ListActiveApiKeys(const CallContext& call,
                                             const v1::ListActiveApiKeysRequest&,
                                             v1::ListActiveApiKeysResponse* response) {
  CRM_ASSIGN_OR_RETURN(std::vector<v1::ActiveApiKey> keys, service_accounts_.ActiveKeys(call));
  for (v1::ActiveApiKey& k : keys) *response->add_keys() = std::move(k);
  return absl::OkStatus();
}

absl::Status AuthHandlers::ListTokenRevocations(const CallContext& call,
                                                const v1::ListTokenRevocationsRequest&,
                                                v1::ListTokenRevocationsResponse* response) {
  const absl::Time since = call.Now() - settings_.access_token_ttl - absl::Minutes(1);
  CRM_ASSIGN_OR_RETURN(std::vector<v1::TokenRevocation> revocations,
                       token_revocations_.Since(call, since));
  for (v1::TokenRevocation& r : revocations) *response->add_revocations() = std::move(r);
  return absl::OkStatus();
}

absl::Status AuthHandlers::BootstrapAdministrator(const std::string& password, const Clock& clock) {
  CallContext call;
  call.clock = &clock;
  call.actor = "system:bootstrap";
  call.deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  CRM_ASSIGN_OR_RETURN(bool empty, users_.Empty(call));
  if (!empty) return absl::OkStatus();
  if (password.empty()) {
    log::Warn("no user exists and no administrator password is set (CRM_ADMIN_PASSWORD)");
    return absl::OkStatus();
  }
  FieldViolations violations;
  CheckPasswordPolicy(violations, "admin-password", password, "admin");
  CRM_RETURN_IF_ERROR(violations.ToStatus());
  v1::User admin;
  admin.set_username("admin");
  admin.add_roles("administrator");
  CRM_ASSIGN_OR_RETURN(std::string hash, hasher_.Hash(password));
  CRM_RETURN_IF_ERROR(users_.Create(call, admin, hash, "").status());
  log::Info("created the administrator account", {{"username", "admin"}});
  return absl::OkStatus();
}

}  // namespace crm::org
