// Roles and permissions, the signed identity, and access tokens.
#include <google/protobuf/descriptor.h>
#include <gtest/gtest.h>

#include "common/auth/access_token.h"
#include "common/auth/identity.h"
#include "common/auth/permissions.h"
#include "crm/customer/v1/customer_service.pb.h"
#include "crm/feedback/v1/feedback_service.pb.h"
#include "crm/org/v1/org_service.pb.h"
#include "crm/reporting/v1/reporting_service.pb.h"
#include "crm/sales/v1/sales_service.pb.h"

namespace crm {
namespace {

const char* const kServices[] = {"crm.customer.v1.CustomerService", "crm.sales.v1.SalesService",
                                 "crm.feedback.v1.FeedbackService", "crm.org.v1.OrgService",
                                 "crm.reporting.v1.ReportingService"};

TEST(PermissionsTest, EveryCrmMethodDeclaresWhoMayCallIt) {
  for (const char* name : kServices) {
    const auto* service =
        google::protobuf::DescriptorPool::generated_pool()->FindServiceByName(name);
    ASSERT_NE(service, nullptr) << name;
    for (int i = 0; i < service->method_count(); ++i) {
      MethodPolicy policy = PolicyFor(*service->method(i));
      EXPECT_TRUE(policy.declared) << service->method(i)->full_name();
      EXPECT_TRUE(policy.open || policy.allowed != 0)
          << service->method(i)->full_name() << " is allowed to nobody";
    }
  }
}

TEST(PermissionsTest, OnlyLoginAndRefreshAreOpen) {
  EXPECT_TRUE(PolicyForPath("/crm.org.v1.OrgService/Login").open);
  EXPECT_TRUE(PolicyForPath("/crm.org.v1.OrgService/RefreshToken").open);
  EXPECT_FALSE(PolicyForPath("/crm.org.v1.OrgService/Logout").open);
  EXPECT_FALSE(PolicyForPath("/crm.customer.v1.CustomerService/GetCustomer").open);
  EXPECT_FALSE(PolicyForPath("/crm.customer.v1.CustomerService/Nope").declared);
  EXPECT_FALSE(PolicyForPath("garbage").declared);
}

TEST(PermissionsTest, RolesHoldWhatTheTableSays) {
  const RoleSet read = RolesWithPermission("customer.read");
  EXPECT_TRUE(read & Bit(Role::kSales));
  EXPECT_TRUE(read & Bit(Role::kReadOnly));
  EXPECT_TRUE(read & Bit(Role::kAdministrator));
  EXPECT_FALSE(read & Bit(Role::kOaReader));
  const RoleSet pull = RolesWithPermission("announcement.pull");
  EXPECT_TRUE(pull & Bit(Role::kOaReader));
  EXPECT_FALSE(pull & Bit(Role::kSales));
  const RoleSet write = RolesWithPermission("customer.write");
  EXPECT_FALSE(write & Bit(Role::kReadOnly));
  EXPECT_FALSE(write & Bit(Role::kService));
  EXPECT_TRUE(RolesWithPermission("user.admin") == Bit(Role::kAdministrator));
  // Customer reference data and the recycle bin are for administrators;
  // assigning customers for department heads and up.
  EXPECT_TRUE(RolesWithPermission("customer.admin") == Bit(Role::kAdministrator));
  const RoleSet assign = RolesWithPermission("customer.assign");
  EXPECT_TRUE(assign & Bit(Role::kDepartmentHead));
  EXPECT_TRUE(assign & Bit(Role::kManagement));
  EXPECT_FALSE(assign & Bit(Role::kSales));
  EXPECT_TRUE(RolesWithPermission("customer.claim") & Bit(Role::kSales));
  EXPECT_TRUE(RolesWithPermission("internal.api_keys") & Bit(Role::kSystem));
  // The read-only role reads business records, not the audit trail, change
  // feeds or settings (README, roles table).
  for (const char* business : {"customer.read", "org.read", "announcement.read", "sales.read"}) {
    EXPECT_TRUE(RolesWithPermission(business) & Bit(Role::kReadOnly)) << business;
  }
  for (const char* internal : {"audit.read", "changes.read", "settings.read"}) {
    EXPECT_FALSE(RolesWithPermission(internal) & Bit(Role::kReadOnly)) << internal;
  }
  // The OA reader can pull announcements and do nothing else.
  for (const char* other :
       {"self", "customer.read", "announcement.read", "org.read", "changes.read"}) {
    EXPECT_FALSE(RolesWithPermission(other) & Bit(Role::kOaReader)) << other;
  }
}

TEST(PermissionsTest, ParsesAssignableRolesOnly) {
  EXPECT_EQ(*ParseRoles({"sales", "department_head"}, "roles"),
            Bit(Role::kSales) | Bit(Role::kDepartmentHead));
  EXPECT_FALSE(ParseRoles({"system"}, "roles").ok());
  EXPECT_FALSE(ParseRoles({"emperor"}, "roles").ok());
}

common::v1::Identity SampleIdentity(int64_t expires_at) {
  common::v1::Identity identity;
  identity.set_subject("user:7");
  identity.set_user_id(7);
  identity.set_employee_id(70);
  identity.set_department_id(4);
  identity.set_department_path("/1/4/");
  identity.set_display_name("李雷");
  identity.add_roles("sales");
  identity.add_roles("department_head");
  identity.set_expires_at(expires_at);
  return identity;
}

TEST(IdentityTest, SignedIdentityVerifiesAndForgeriesDoNot) {
  IdentityKey key = *IdentityKey::FromSecret(std::string(40, 'k'));
  IdentityKey other = *IdentityKey::FromSecret(std::string(40, 'x'));
  const int64_t now = UnixNow();
  SignedIdentity signed_identity = SignIdentity(SampleIdentity(now + 60), key);
  auto verified = VerifyIdentity(signed_identity.identity, signed_identity.signature, key, now);
  ASSERT_TRUE(verified.ok()) << verified.status();
  EXPECT_EQ(verified->display_name(), "李雷");

  EXPECT_EQ(VerifyIdentity(signed_identity.identity, signed_identity.signature, other, now)
                .status()
                .code(),
            absl::StatusCode::kUnauthenticated);
  common::v1::Identity promoted = SampleIdentity(now + 60);
  promoted.add_roles("administrator");
  EXPECT_EQ(VerifyIdentity(promoted.SerializeAsString(), signed_identity.signature, key, now)
                .status()
                .code(),
            absl::StatusCode::kUnauthenticated);
  EXPECT_EQ(VerifyIdentity(signed_identity.identity, "", key, now).status().code(),
            absl::StatusCode::kUnauthenticated);
  EXPECT_EQ(VerifyIdentity("", "", key, now).status().code(), absl::StatusCode::kNotFound);
  SignedIdentity expired = SignIdentity(SampleIdentity(now - 1), key);
  EXPECT_EQ(VerifyIdentity(expired.identity, expired.signature, key, now).status().code(),
            absl::StatusCode::kUnauthenticated);
  EXPECT_FALSE(IdentityKey::FromSecret("short").ok());
  EXPECT_FALSE(IdentityKey().Verify(signed_identity.identity, signed_identity.signature));
}

TEST(AccessTokenTest, RoundTripsTheIdentity) {
  TokenSecret secret = *TokenSecret::FromString(std::string(48, 's'));
  const int64_t now = UnixNow();
  auto token = IssueAccessToken(SampleIdentity(now + 900), secret, now);
  ASSERT_TRUE(token.ok()) << token.status();
  auto identity = VerifyAccessToken(*token, secret, now);
  ASSERT_TRUE(identity.ok()) << identity.status();
  EXPECT_EQ(identity->subject(), "user:7");
  EXPECT_EQ(identity->employee_id(), 70);
  EXPECT_EQ(identity->department_path(), "/1/4/");
  EXPECT_EQ(identity->display_name(), "李雷");
  ASSERT_EQ(identity->roles_size(), 2);
  EXPECT_EQ(identity->roles(0), "sales");
  EXPECT_EQ(identity->roles(1), "department_head");
  EXPECT_EQ(identity->expires_at(), now + 900);
}

TEST(AccessTokenTest, ExpiredForgedAndUnsignedTokensAreRefused) {
  TokenSecret secret = *TokenSecret::FromString(std::string(48, 's'));
  TokenSecret other = *TokenSecret::FromString(std::string(48, 'o'));
  const int64_t now = UnixNow();
  std::string token = *IssueAccessToken(SampleIdentity(now + 900), secret, now);
  EXPECT_EQ(VerifyAccessToken(token, other, now).status().code(),
            absl::StatusCode::kUnauthenticated);
  EXPECT_EQ(VerifyAccessToken(token, secret, now + 901).status().code(),
            absl::StatusCode::kUnauthenticated);
  // Same header and claims, "alg":"none" and no signature.
  const size_t dot = token.find('.');
  const size_t second = token.find('.', dot + 1);
  std::string none_header = "eyJhbGciOiJub25lIiwidHlwIjoiSldUIn0";  // {"alg":"none","typ":"JWT"}
  std::string unsigned_token = none_header + token.substr(dot, second - dot) + ".";
  EXPECT_FALSE(VerifyAccessToken(unsigned_token, secret, now).ok());
  // A payload changed after signing.
  std::string tampered = token;
  tampered[dot + 5] = tampered[dot + 5] == 'A' ? 'B' : 'A';
  EXPECT_FALSE(VerifyAccessToken(tampered, secret, now).ok());
  EXPECT_FALSE(VerifyAccessToken("not.a.token", secret, now).ok());
  EXPECT_FALSE(VerifyAccessToken("", secret, now).ok());
}

// A rotation: processes that accept both keys verify what either signs, and
// sign with the first; a key that was never accepted still fails.
TEST(IdentityTest, DuringARotationBothKeysVerify) {
  const std::string old_secret(40, 'o'), new_secret(40, 'n');
  IdentityKey old_only = *IdentityKey::FromSecret(old_secret);
  IdentityKey accepting_new = *IdentityKey::FromSecret(old_secret, new_secret);
  IdentityKey switched = *IdentityKey::FromSecret(new_secret, old_secret);
  IdentityKey new_only = *IdentityKey::FromSecret(new_secret);
  const int64_t now = UnixNow();
  SignedIdentity by_old = SignIdentity(SampleIdentity(now + 60), accepting_new);
  SignedIdentity by_new = SignIdentity(SampleIdentity(now + 60), switched);
  EXPECT_TRUE(VerifyIdentity(by_old.identity, by_old.signature, old_only, now).ok());
  EXPECT_TRUE(VerifyIdentity(by_new.identity, by_new.signature, accepting_new, now).ok());
  EXPECT_TRUE(VerifyIdentity(by_old.identity, by_old.signature, switched, now).ok());
  EXPECT_TRUE(VerifyIdentity(by_new.identity, by_new.signature, new_only, now).ok());
  EXPECT_FALSE(VerifyIdentity(by_new.identity, by_new.signature, old_only, now).ok());
  EXPECT_FALSE(VerifyIdentity(by_old.identity, by_old.signature, new_only, now).ok());
  IdentityKey stranger = *IdentityKey::FromSecret(std::string(40, 's'), std::string(40, 't'));
  EXPECT_FALSE(VerifyIdentity(by_old.identity, by_old.signature, stranger, now).ok());
  EXPECT_FALSE(IdentityKey::FromSecret(new_secret, "short").ok());
}

TEST(AccessTokenTest, DuringARotationTokensOfEitherSecretVerify) {
  const std::string old_secret(48, 'o'), new_secret(48, 'n');
  TokenSecret org_old = *TokenSecret::FromString(old_secret);
  TokenSecret org_new = *TokenSecret::FromString(new_secret);
  TokenSecret gateway_both = *TokenSecret::FromString(new_secret, old_secret);
  const int64_t now = UnixNow();
  std::string old_token = *IssueAccessToken(SampleIdentity(now + 900), org_old, now);
  std::string new_token = *IssueAccessToken(SampleIdentity(now + 900), org_new, now);
  EXPECT_TRUE(VerifyAccessToken(old_token, gateway_both, now).ok());
  EXPECT_TRUE(VerifyAccessToken(new_token, gateway_both, now).ok());
  EXPECT_FALSE(VerifyAccessToken(old_token, org_new, now).ok());
  TokenSecret other = *TokenSecret::FromString(std::string(48, 'x'), std::string(48, 'y'));
  EXPECT_FALSE(VerifyAccessToken(new_token, other, now).ok());
  EXPECT_FALSE(TokenSecret::FromString(new_secret, "short").ok());
}

}  // namespace
}  // namespace crm
