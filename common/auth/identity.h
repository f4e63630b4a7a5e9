// The verified caller as passed between the CRM's processes: a serialized
// crm.common.v1.Identity and its HMAC-SHA256, in two binary headers. The key
// is shared by the gateway and the services (CRM_IDENTITY_KEY) and by nobody
// else, so a caller that bypasses the gateway cannot claim an identity.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "crm/common/v1/auth.pb.h"

namespace grpc {
class ClientContext;
}

namespace crm {

inline constexpr char kIdentityHeader[] = "x-crm-identity-bin";
inline constexpr char kIdentitySignatureHeader[] = "x-crm-identity-sig-bin";

class IdentityKey {
 public:
  // An unset key: signs nothing usable and verifies nothing.
  IdentityKey() = default;
  // A secret of at least 32 characters (from the environment); INVALID_ARGUMENT otherwise.
  // `also_accepted`, when not empty, is a second such secret whose signatures
  // verify too: during a rotation every process accepts both keys while they
  // switch, one by one, to signing with the new one.
  static absl::StatusOr<IdentityKey> FromSecret(absl::string_view secret,
                                                absl::string_view also_accepted = {});

  // Signs with the first secret.
  std::string Sign(absl::string_view message) const;
  bool Verify(absl::string_view message, absl::string_view signature) const;

 private:
  std::vector<std::string> keys_;  // 32 bytes derived from each secret; the signing one first
};

struct SignedIdentity {
  std::string identity;   // serialized crm.common.v1.Identity
  std::string signature;  // HMAC-SHA256 of `identity`
};

SignedIdentity SignIdentity(const common::v1::Identity& identity, const IdentityKey& key);

// Checks the headers' signature and expiry: UNAUTHENTICATED when they are
// missing, forged or expired; NOT_FOUND when there are none at all (the caller
// decides whether that is acceptable).
absl::StatusOr<common::v1::Identity> VerifyIdentity(absl::string_view identity,
                                                    absl::string_view signature,
                                                    const IdentityKey& key, int64_t now_unix);

// Adds the signed identity to an outgoing call.
void AttachIdentity(const SignedIdentity& signed_identity, grpc::ClientContext* context);

int64_t UnixNow();

}  // namespace crm
