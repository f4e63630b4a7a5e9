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

constexpr char kGet[] = "/crm.customer.v1.CustomerService/GetCustomer";

TEST(IdentityTest, SignedIdentityVerifiesAndForgeriesDoNot) {
  IdentityKey key = *IdentityKey::FromSecret(std::string(40, 'k'));
  IdentityKey other = *IdentityKey::FromSecret(std::string(40, 'x'));
  const int64_t now = UnixNow();
  SignedIdentity signed_identity = SignIdentity(SampleIdentity(now + 60), key, kGet, now);
  auto verify = [&](absl::string_view identity, absl::string_view signature,
                    const IdentityKey& with, absl::string_view method = kGet, int64_t at = 0) {
    return VerifyIdentity(identity, signature, with, method, at == 0 ? now : at).status().code();
  };
  auto verified =
      VerifyIdentity(signed_identity.identity, signed_identity.signature, key, kGet, now);
  ASSERT_TRUE(verified.ok()) << verified.status();
  EXPECT_EQ(verified->display_name(), "李雷");

  EXPECT_EQ(verify(signed_identity.identity, signed_identity.signature, other),
            absl::StatusCode::kUnauthenticated);
  common::v1::Identity promoted = SampleIdentity(now + 60);
  promoted.add_roles("administrator");
  EXPECT_EQ(verify(promoted.SerializeAsString(), signed_identity.signature, key),
            absl::StatusCode::kUnauthenticated);
  EXPECT_EQ(verify(signed_identity.identity, "", key), absl::StatusCode::kUnauthenticated);
  EXPECT_EQ(verify("", "", key), absl::StatusCode::kNotFound);
  // Any byte of the signature changed (key id, time or MAC) fails.
  for (size_t i = 0; i < signed_identity.signature.size(); ++i) {
    std::string changed = signed_identity.signature;
    changed[i] = static_cast<char>(changed[i] ^ 1);
    EXPECT_EQ(verify(signed_identity.identity, changed, key), absl::StatusCode::kUnauthenticated)
        << "byte " << i;
  }
  SignedIdentity expired = SignIdentity(SampleIdentity(now - 1), key, kGet, now);
  EXPECT_EQ(verify(expired.identity, expired.signature, key), absl::StatusCode::kUnauthenticated);
  EXPECT_FALSE(IdentityKey::FromSecret("short").ok());
  EXPECT_TRUE(IdentityKey().empty());
  EXPECT_EQ(verify(signed_identity.identity, signed_identity.signature, IdentityKey()),
            absl::StatusCode::kUnauthenticated);
}

// A signature is for one method, within a minute of when it was made: one
// seen on a call cannot be replayed to another method, or much later.
TEST(IdentityTest, ASignatureIsBoundToItsMethodAndTime) {
  IdentityKey key = *IdentityKey::FromSecret(std::string(40, 'k'));
  const int64_t now = UnixNow();
  const SignedIdentity signed_identity = SignIdentity(SampleIdentity(now + 600), key, kGet, now);
  auto code = [&](absl::string_view method, int64_t at) {
    return VerifyIdentity(signed_identity.identity, signed_identity.signature, key, method, at)
        .status()
        .code();
  };
  EXPECT_EQ(code(kGet, now), absl::StatusCode::kOk);
  EXPECT_EQ(code("/crm.customer.v1.CustomerService/DeleteCustomer", now),
            absl::StatusCode::kUnauthenticated);
  EXPECT_EQ(code("/crm.customer.v1.CustomerService/GetCustomerX", now),
            absl::StatusCode::kUnauthenticated);
  EXPECT_EQ(code(kGet, now + kIdentityMaxAgeSeconds), absl::StatusCode::kOk);
  EXPECT_EQ(code(kGet, now + kIdentityMaxAgeSeconds + 1), absl::StatusCode::kUnauthenticated);
  EXPECT_EQ(code(kGet, now - kIdentityMaxAheadSeconds), absl::StatusCode::kOk);
  EXPECT_EQ(code(kGet, now - kIdentityMaxAheadSeconds - 1), absl::StatusCode::kUnauthenticated);
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
  SignedIdentity by_old = SignIdentity(SampleIdentity(now + 60), accepting_new, kGet, now);
  SignedIdentity by_new = SignIdentity(SampleIdentity(now + 60), switched, kGet, now);
  auto ok = [&](const SignedIdentity& s, const IdentityKey& key) {
    return VerifyIdentity(s.identity, s.signature, key, kGet, now).ok();
  };
  EXPECT_TRUE(ok(by_old, old_only));
  EXPECT_TRUE(ok(by_new, accepting_new));
  EXPECT_TRUE(ok(by_old, switched));
  EXPECT_TRUE(ok(by_new, new_only));
  EXPECT_FALSE(ok(by_new, old_only));
  EXPECT_FALSE(ok(by_old, new_only));
  auto refused = VerifyIdentity(by_new.identity, by_new.signature, old_only, kGet, now);
  EXPECT_NE(refused.status().message().find("does not accept"), absl::string_view::npos)
      << refused.status();  // a rotation's mismatch is named as such
  IdentityKey stranger = *IdentityKey::FromSecret(std::string(40, 's'), std::string(40, 't'));
  EXPECT_FALSE(ok(by_old, stranger));
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
