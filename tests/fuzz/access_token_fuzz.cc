// Credentials a caller or a forger controls: access tokens (JWT, HS256) and
// the signed identity one process passes the next. The first byte picks:
//  0: the rest is a token. One that verifies must carry claims that issue
//     and verify again unchanged, and must not verify under another secret.
//  1: the rest is a crm.common.v1.Identity: issued as a token, it verifies to
//     the same identity (claims survive any text the org service holds).
//  2: the rest is "identity\nsignature\nmethod": a signature nobody with the
//     key made is refused (UNAUTHENTICATED, or NOT_FOUND when both are empty).
#include <string>

#include "common/auth/access_token.h"
#include "common/auth/identity.h"
#include "google/protobuf/util/message_differencer.h"
#include "tests/fuzz/fuzz_check.h"

namespace crm::fuzz {
namespace {

constexpr int64_t kNow = 1'800'000'000;

const TokenSecret& Secret() {
  static const TokenSecret* const secret =
      new TokenSecret(*TokenSecret::FromString("access-token-fuzz-secret-0123456789abcdef"));
  return *secret;
}

void CheckToken(absl::string_view token) {
  auto identity = VerifyAccessToken(token, Secret(), kNow);
  if (!identity.ok()) {
    FUZZ_CHECK(identity.status().code() == absl::StatusCode::kUnauthenticated);
    return;
  }
  static const TokenSecret* const other =
      new TokenSecret(*TokenSecret::FromString("another-environments-secret-0123456789ab"));
  FUZZ_CHECK(!VerifyAccessToken(token, *other, kNow).ok());
  auto again = IssueAccessToken(*identity, Secret(), kNow);
  FUZZ_CHECK(again.ok());
  auto reverified = VerifyAccessToken(*again, Secret(), kNow);
  FUZZ_CHECK(reverified.ok() &&
             google::protobuf::util::MessageDifferencer::Equals(*reverified, *identity));
}

void CheckClaims(absl::string_view bytes) {
  common::v1::Identity identity;
  if (!identity.ParseFromArray(bytes.data(), static_cast<int>(bytes.size()))) return;
  if (identity.expires_at() <= kNow || identity.expires_at() > kNow + 86400) return;
  auto token = IssueAccessToken(identity, Secret(), kNow);
  if (!token.ok()) {
    FUZZ_CHECK(token.status().code() == absl::StatusCode::kInvalidArgument);
    return;
  }
  auto verified = VerifyAccessToken(*token, Secret(), kNow);
  FUZZ_CHECK(verified.ok());
  // The claims a token carries (access_token.h); anything else is not kept.
  FUZZ_CHECK(verified->subject() == identity.subject());
  FUZZ_CHECK(verified->user_id() == identity.user_id());
  FUZZ_CHECK(verified->employee_id() == identity.employee_id());
  FUZZ_CHECK(verified->department_id() == identity.department_id());
  FUZZ_CHECK(verified->department_path() == identity.department_path());
  FUZZ_CHECK(verified->display_name() == identity.display_name());
  FUZZ_CHECK(verified->token_version() == identity.token_version());
  FUZZ_CHECK(verified->expires_at() == identity.expires_at());
  FUZZ_CHECK(verified->roles_size() == identity.roles_size());
  for (int i = 0; i < identity.roles_size(); ++i)
    FUZZ_CHECK(verified->roles(i) == identity.roles(i));
}

void CheckSignedIdentity(const uint8_t* data, size_t size) {
  static const IdentityKey* const key =
      new IdentityKey(*IdentityKey::FromSecret("identity-fuzz-key-0123456789abcdefghij"));
  const std::vector<std::string> f = SplitFields(data, size, 3);
  auto identity = VerifyIdentity(f[0], f[1], *key, f[2], kNow);
  FUZZ_CHECK(!identity.ok());
  const absl::StatusCode code = identity.status().code();
  FUZZ_CHECK(code == absl::StatusCode::kUnauthenticated ||
             (code == absl::StatusCode::kNotFound && f[0].empty() && f[1].empty()));
}

}  // namespace
}  // namespace crm::fuzz

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace crm::fuzz;
  if (size == 0) return 0;
  const absl::string_view rest = AsText(data + 1, size - 1);
  switch (data[0] % 3) {
    case 0:
      CheckToken(rest);
      break;
    case 1:
      CheckClaims(rest);
      break;
    default:
      CheckSignedIdentity(data + 1, size - 1);
  }
  return 0;
}
