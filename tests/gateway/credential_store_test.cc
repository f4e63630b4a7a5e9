// The gateway's judgement of credentials against what it last fetched from
// the org service: revoked access tokens, API keys, and failing closed when
// that knowledge is too old.
#include "services/gateway/credential_store.h"

#include <gtest/gtest.h>

#include "common/auth/access_token.h"
#include "common/auth/digest.h"
#include "common/auth/identity.h"
#include "services/gateway/call_authorizer.h"

namespace crm::gateway {
namespace {

constexpr char kMethod[] = "/crm.customer.v1.CustomerService/ListCustomers";

common::v1::Identity SalesPerson(int64_t user_id, int64_t token_version, int64_t expires_at) {
  common::v1::Identity identity;
  identity.set_subject("user:" + std::to_string(user_id));
  identity.set_user_id(user_id);
  identity.add_roles("sales");
  identity.set_token_version(token_version);
  identity.set_expires_at(expires_at);
  return identity;
}

class CredentialStoreTest : public ::testing::Test {
 protected:
  CredentialStoreTest() { authorizer_.AddMethod(kMethod, PolicyForPath(kMethod)); }

  absl::StatusCode Call(const std::string& authorization, const std::string& api_key = "") {
    return authorizer_.Authorize(kMethod, Credentials{authorization, api_key}, Now())
        .status()
        .code();
  }
  std::string Bearer(int64_t user_id, int64_t token_version) {
    return "Bearer " +
           *IssueAccessToken(SalesPerson(user_id, token_version, Now() + 900), secret_, Now());
  }
  int64_t Now() const { return absl::ToUnixSeconds(clock_.Now()); }

  ManualClock clock_{absl::FromUnixSeconds(1'800'000'000)};
  TokenSecret secret_ = *TokenSecret::FromString("credential-store-test-secret-0123456789");
  IdentityKey key_ = *IdentityKey::FromSecret("credential-store-test-identity-key-01234");
  CredentialStore store_{clock_, absl::Seconds(30)};
  CallAuthorizer authorizer_{secret_, key_, store_};
};

TEST_F(CredentialStoreTest, NothingIsAcceptedBeforeTheFirstRefresh) {
  EXPECT_EQ(Call(Bearer(7, 0)), absl::StatusCode::kUnavailable);
  store_.Replace({}, {});
  EXPECT_EQ(Call(Bearer(7, 0)), absl::StatusCode::kOk);
}

TEST_F(CredentialStoreTest, ATokenIssuedBeforeItsUsersRevocationIsRefusedAlsoWhenCached) {
  store_.Replace({}, {});
  const std::string old_token = Bearer(7, 2);
  const std::string neighbour = Bearer(8, 0);
  EXPECT_EQ(Call(old_token), absl::StatusCode::kOk);  // now in the authorizer's cache
  store_.Replace({}, {{7, 3}});
  EXPECT_EQ(Call(old_token), absl::StatusCode::kUnauthenticated);
  EXPECT_EQ(Call(Bearer(7, 3)), absl::StatusCode::kOk);  // issued after the revocation
  EXPECT_EQ(Call(Bearer(7, 4)), absl::StatusCode::kOk);
  EXPECT_EQ(Call(neighbour), absl::StatusCode::kOk);  // another user is untouched
  auto refused = authorizer_.Authorize(kMethod, Credentials{old_token, ""}, Now());
  EXPECT_NE(refused.status().message().find("revoked"), absl::string_view::npos);
}

TEST_F(CredentialStoreTest, KnowledgeOlderThanTheBoundRefusesEveryCredentialUntilRefreshed) {
  const std::string api_key = "crmk_credential-store-test-key";
  common::v1::Identity account;
  account.set_subject("service:1");
  account.add_roles("read_only");
  store_.Replace({{Sha256Hex(api_key), account}}, {});
  const std::string token = Bearer(7, 0);
  clock_.Advance(absl::Seconds(30));  // exactly the bound: still accepted
  EXPECT_EQ(Call(token), absl::StatusCode::kOk);
  EXPECT_EQ(Call("", api_key), absl::StatusCode::kOk);
  clock_.Advance(absl::Milliseconds(1));
  EXPECT_EQ(Call(token), absl::StatusCode::kUnavailable);
  EXPECT_EQ(Call("", api_key), absl::StatusCode::kUnavailable);
  // A bad credential is still named as such, whatever the store's age.
  EXPECT_EQ(Call("Bearer not-a-token"), absl::StatusCode::kUnauthenticated);
  store_.Replace({{Sha256Hex(api_key), account}}, {});
  EXPECT_EQ(Call(token), absl::StatusCode::kOk);
  EXPECT_EQ(Call("", api_key), absl::StatusCode::kOk);
}

TEST_F(CredentialStoreTest, ARevokedApiKeyIsRefusedAtTheNextRefreshAlsoWhenCached) {
  const std::string api_key = "crmk_credential-store-revoked-key";
  common::v1::Identity account;
  account.set_subject("service:2");
  account.add_roles("read_only");
  store_.Replace({{Sha256Hex(api_key), account}}, {});
  const uint64_t generation = store_.key_generation();
  EXPECT_EQ(Call("", api_key), absl::StatusCode::kOk);
  store_.Replace({{Sha256Hex(api_key), account}}, {});  // the same keys: caches stay valid
  EXPECT_EQ(store_.key_generation(), generation);
  store_.Replace({}, {});
  EXPECT_EQ(Call("", api_key), absl::StatusCode::kUnauthenticated);
}

TEST_F(CredentialStoreTest, TheSystemRoleInACredentialGivesNothingHereOrAtTheBackend) {
  // Never assigned (the org service refuses it), so only a mistake or a
  // forger's wish puts it in a credential: it must count for nothing.
  const char kInternal[] = "/crm.org.v1.OrgService/ListActiveApiKeys";
  authorizer_.AddMethod(kInternal, PolicyForPath(kInternal));
  store_.Replace({}, {});
  common::v1::Identity claim = SalesPerson(7, 0, Now() + 900);
  claim.add_roles("system");
  const std::string bearer = "Bearer " + *IssueAccessToken(claim, secret_, Now());
  EXPECT_EQ(authorizer_.Authorize(kInternal, Credentials{bearer, ""}, Now()).status().code(),
            absl::StatusCode::kPermissionDenied);
  auto caller = authorizer_.Authorize(kMethod, Credentials{bearer, ""}, Now());
  ASSERT_TRUE(caller.ok()) << caller.status();
  std::string identity;
  for (const auto& [name, value] : caller->headers) {
    if (name == kIdentityHeader) identity = value;
  }
  common::v1::Identity sent;
  ASSERT_TRUE(sent.ParseFromString(identity));
  EXPECT_EQ(std::vector<std::string>(sent.roles().begin(), sent.roles().end()),
            std::vector<std::string>{"sales"});
}

}  // namespace
}  // namespace crm::gateway
