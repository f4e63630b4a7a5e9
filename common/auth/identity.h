// The verified caller as passed between the CRM's processes: a serialized
// crm.common.v1.Identity in one binary header, and in another its HMAC-SHA256
// bound to the call: the method it is sent to and the moment it was signed.
// The key is shared by the gateway and the services (CRM_IDENTITY_KEY, one
// per environment) and by nobody else, so a caller that bypasses the gateway
// cannot claim an identity, and a signed identity seen in one call cannot be
// replayed to another method or more than a minute later.
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

// How far a signature's time may lie behind the verifier's clock (a call's
// queueing plus clock skew between machines), and ahead of it (skew).
inline constexpr int64_t kIdentityMaxAgeSeconds = 60;
inline constexpr int64_t kIdentityMaxAheadSeconds = 10;

class IdentityKey {
 public:
  // An unset key: signs nothing usable and verifies nothing.
  IdentityKey() = default;
  // A secret of at least 32 characters (from the environment); INVALID_ARGUMENT otherwise.
  // `also_accepted`, when not empty, is a second such secret whose signatures
  // verify too: during a rotation every process accepts both keys while they
  // switch, one by one, to signing with the new one (README, "Rotating
  // secrets").
  static absl::StatusOr<IdentityKey> FromSecret(absl::string_view secret,
                                                absl::string_view also_accepted = {});

  bool empty() const { return keys_.empty(); }

  struct Key {
    std::string id;  // 8 bytes naming the key in signatures (not secret)
    // libsodium's HMAC state right after keying with the 32 bytes derived
    // from the secret, copied for each signature: half of an HMAC's hashing
    // is keying, the same every time.
    std::string keyed_state;
  };

 private:
  friend struct IdentitySigning;
  std::vector<Key> keys_;  // the signing one first
};

struct SignedIdentity {
  std::string identity;   // serialized crm.common.v1.Identity
  std::string signature;  // key id, signing time and HMAC-SHA256 (identity.cc)
};

// Signs `serialized` (a crm.common.v1.Identity) for a call to `method`
// ("/crm.customer.v1.CustomerService/GetCustomer") at `now_unix`.
SignedIdentity SignIdentity(std::string serialized, const IdentityKey& key,
                            absl::string_view method, int64_t now_unix);
SignedIdentity SignIdentity(const common::v1::Identity& identity, const IdentityKey& key,
                            absl::string_view method, int64_t now_unix);

// Checks the headers for a call to `method` at `now_unix`: UNAUTHENTICATED
// when they are missing one part, forged, signed by a key not accepted here,
// for another method, too old or too far ahead, or when the identity has
// expired; NOT_FOUND when there are none at all (the caller decides whether
// that is acceptable).
absl::StatusOr<common::v1::Identity> VerifyIdentity(absl::string_view identity,
                                                    absl::string_view signature,
                                                    const IdentityKey& key,
                                                    absl::string_view method, int64_t now_unix);

// Adds the signed identity to an outgoing call.
void AttachIdentity(const SignedIdentity& signed_identity, grpc::ClientContext* context);

int64_t UnixNow();

}  // namespace crm
