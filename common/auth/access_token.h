// Access tokens: JWTs (HS256) the org service issues at log-in and the gateway
// verifies on every call. The claims carry the caller's identity.
#pragma once

#include <cstdint>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "crm/common/v1/auth.pb.h"

namespace crm {

// The signing secret (CRM_TOKEN_SECRET), shared by the org service and the gateway.
class TokenSecret {
 public:
  TokenSecret() = default;
  // At least 32 characters; INVALID_ARGUMENT otherwise. `also_accepted`, when
  // not empty, is a second such secret whose tokens verify too (a rotation:
  // the gateway accepts both while the org service switches to the new one
  // and the last old tokens expire).
  static absl::StatusOr<TokenSecret> FromString(std::string secret, std::string also_accepted = {});
  // The one new tokens are signed with.
  const std::string& bytes() const { return secret_; }
  const std::string& also_accepted() const { return also_accepted_; }

 private:
  std::string secret_;
  std::string also_accepted_;
};

// A JWT with sub, uid, eid, roles, did, dpath, name, ver (token_version),
// iat, exp and a random jti; `identity.expires_at` becomes exp.
absl::StatusOr<std::string> IssueAccessToken(const common::v1::Identity& identity,
                                             const TokenSecret& secret, int64_t now_unix);

// Checks the signature (HS256 only: "none" and other algorithms are refused)
// and the expiry; UNAUTHENTICATED otherwise.
absl::StatusOr<common::v1::Identity> VerifyAccessToken(absl::string_view token,
                                                       const TokenSecret& secret, int64_t now_unix);

}  // namespace crm
