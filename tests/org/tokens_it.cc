// Tokens against a real MariaDB: refresh tokens, revocation (log-out, role
// and password changes, disabling, moves), and service-account keys.
#include "tests/org/users_fixture.h"

namespace crm::org {
namespace {

using testing_users::kPassword;
using testing_users::kSecret;
using testing_users::UsersTest;

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
  const v1::Department from = NewDepartment("Before move");
  const v1::Department to = NewDepartment("After move");
  const v1::Employee e = NewEmployee("Moved person", from.id());
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
  const v1::Department centre = NewDepartment("Moving centre");
  const v1::Department team = NewDepartment("Moving team", centre.id());
  const v1::Department elsewhere = NewDepartment("Staying put");
  const v1::Department home = NewDepartment("New home");
  auto employee_in = [&](const v1::Department& d, const std::string& name) {
    return NewEmployee(name, d.id());
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
