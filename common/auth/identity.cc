// Identity signing with libsodium's HMAC-SHA256.
//
// The signature header is 48 bytes: the key's id (8), the signing time in
// Unix seconds (8, big-endian) and the MAC (32) of
//   "crm-identity/2" NUL method NUL signing-time(8) identity
// so the verifier picks the key by id (a rotation names the stranger key in
// its error) and refuses a signature made for another method or long ago.
#include "common/auth/identity.h"

#include <grpcpp/client_context.h>
#include <sodium.h>

#include <chrono>
#include <cstring>

#include "absl/strings/str_cat.h"

namespace crm {

struct IdentitySigning {
  static constexpr size_t kIdBytes = 8;
  static constexpr size_t kTimeBytes = 8;
  static constexpr size_t kSignatureBytes = kIdBytes + kTimeBytes + crypto_auth_hmacsha256_BYTES;

  static std::string TimeBytes(int64_t unix_seconds) {
    std::string bytes(kTimeBytes, '\0');
    uint64_t value = static_cast<uint64_t>(unix_seconds);
    for (size_t i = kTimeBytes; i-- > 0;) {
      bytes[i] = static_cast<char>(value & 0xff);
      value >>= 8;
    }
    return bytes;
  }

  static int64_t ReadTime(absl::string_view bytes) {
    uint64_t value = 0;
    for (unsigned char byte : bytes) value = (value << 8) | byte;
    return static_cast<int64_t>(value);
  }

  static std::string Mac(const IdentityKey::Key& key, absl::string_view method,
                         absl::string_view time_bytes, absl::string_view identity) {
    crypto_auth_hmacsha256_state state;
    std::memcpy(&state, key.keyed_state.data(), sizeof(state));
    const auto update = [&state](absl::string_view part) {
      crypto_auth_hmacsha256_update(&state, reinterpret_cast<const unsigned char*>(part.data()),
                                    part.size());
    };
    update(absl::string_view("crm-identity/2\0", 15));
    update(method);
    update(absl::string_view("\0", 1));
    update(time_bytes);
    update(identity);
    std::string mac(crypto_auth_hmacsha256_BYTES, '\0');
    crypto_auth_hmacsha256_final(&state, reinterpret_cast<unsigned char*>(mac.data()));
    return mac;
  }

  static const IdentityKey::Key* Find(const IdentityKey& key, absl::string_view id) {
    for (const IdentityKey::Key& k : key.keys_) {
      if (k.id == id) return &k;
    }
    return nullptr;
  }

  static const IdentityKey::Key* Signing(const IdentityKey& key) {
    return key.keys_.empty() ? nullptr : &key.keys_.front();
  }
};

absl::StatusOr<IdentityKey> IdentityKey::FromSecret(absl::string_view secret,
                                                    absl::string_view also_accepted) {
  if (secret.size() < 32 || (!also_accepted.empty() && also_accepted.size() < 32)) {
    return absl::InvalidArgumentError("an identity key must be at least 32 characters");
  }
  if (sodium_init() < 0) return absl::InternalError("libsodium failed to initialise");
  IdentityKey key;
  for (absl::string_view text : {secret, also_accepted}) {
    if (text.empty()) continue;
    std::string derived(crypto_auth_hmacsha256_KEYBYTES, '\0');
    crypto_hash_sha256(reinterpret_cast<unsigned char*>(derived.data()),
                       reinterpret_cast<const unsigned char*>(text.data()), text.size());
    Key& k = key.keys_.emplace_back();
    std::string labelled = absl::StrCat("crm-identity-key-id", derived);
    std::string digest(crypto_hash_sha256_BYTES, '\0');
    crypto_hash_sha256(reinterpret_cast<unsigned char*>(digest.data()),
                       reinterpret_cast<const unsigned char*>(labelled.data()), labelled.size());
    k.id = digest.substr(0, IdentitySigning::kIdBytes);
    crypto_auth_hmacsha256_state state;
    crypto_auth_hmacsha256_init(&state, reinterpret_cast<const unsigned char*>(derived.data()),
                                derived.size());
    k.keyed_state.assign(reinterpret_cast<const char*>(&state), sizeof(state));
    sodium_memzero(derived.data(), derived.size());  // only the keyed state stays
    sodium_memzero(labelled.data(), labelled.size());
  }
  return key;
}

SignedIdentity SignIdentity(std::string serialized, const IdentityKey& key,
                            absl::string_view method, int64_t now_unix) {
  SignedIdentity signed_identity;
  signed_identity.identity = std::move(serialized);
  const IdentityKey::Key* signing = IdentitySigning::Signing(key);
  if (signing == nullptr) return signed_identity;  // an unset key signs nothing
  const std::string time_bytes = IdentitySigning::TimeBytes(now_unix);
  signed_identity.signature =
      absl::StrCat(signing->id, time_bytes,
                   IdentitySigning::Mac(*signing, method, time_bytes, signed_identity.identity));
  return signed_identity;
}

SignedIdentity SignIdentity(const common::v1::Identity& identity, const IdentityKey& key,
                            absl::string_view method, int64_t now_unix) {
  return SignIdentity(identity.SerializeAsString(), key, method, now_unix);
}

absl::StatusOr<common::v1::Identity> VerifyIdentity(absl::string_view identity,
                                                    absl::string_view signature,
                                                    const IdentityKey& key,
                                                    absl::string_view method, int64_t now_unix) {
  if (identity.empty() && signature.empty()) return absl::NotFoundError("no identity");
  const auto invalid = [] {
    return absl::UnauthenticatedError("the caller's identity is not valid");
  };
  if (signature.size() != IdentitySigning::kSignatureBytes) return invalid();
  const absl::string_view id = signature.substr(0, IdentitySigning::kIdBytes);
  const absl::string_view time_bytes =
      signature.substr(IdentitySigning::kIdBytes, IdentitySigning::kTimeBytes);
  const absl::string_view mac =
      signature.substr(IdentitySigning::kIdBytes + IdentitySigning::kTimeBytes);
  const IdentityKey::Key* signer = IdentitySigning::Find(key, id);
  if (signer == nullptr) {
    // Said plainly: during a rotation this is the one log line that explains
    // why calls between two processes fail.
    return absl::UnauthenticatedError(
        "the caller's identity is signed with an identity key this process does not accept");
  }
  const std::string expected = IdentitySigning::Mac(*signer, method, time_bytes, identity);
  if (sodium_memcmp(expected.data(), mac.data(), expected.size()) != 0) return invalid();
  const int64_t signed_at = IdentitySigning::ReadTime(time_bytes);
  if (now_unix - signed_at > kIdentityMaxAgeSeconds) {
    return absl::UnauthenticatedError("the caller's identity was signed too long ago");
  }
  if (signed_at - now_unix > kIdentityMaxAheadSeconds) {
    return absl::UnauthenticatedError(
        "the caller's identity is signed in the future (are the machines' clocks apart?)");
  }
  common::v1::Identity parsed;
  if (!parsed.ParseFromArray(identity.data(), static_cast<int>(identity.size()))) return invalid();
  if (parsed.expires_at() <= now_unix) {
    return absl::UnauthenticatedError("the caller's credential has expired");
  }
  return parsed;
}

void AttachIdentity(const SignedIdentity& signed_identity, grpc::ClientContext* context) {
  context->AddMetadata(kIdentityHeader, signed_identity.identity);
  context->AddMetadata(kIdentitySignatureHeader, signed_identity.signature);
}

int64_t UnixNow() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace crm
