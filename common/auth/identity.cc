// Identity signing with libsodium's HMAC-SHA256.
#include "common/auth/identity.h"

#include <grpcpp/client_context.h>
#include <sodium.h>

#include <chrono>

namespace crm {

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
    key.keys_.push_back(std::move(derived));
  }
  return key;
}

std::string IdentityKey::Sign(absl::string_view message) const {
  std::string mac(crypto_auth_hmacsha256_BYTES, '\0');
  if (keys_.empty()) return mac;
  crypto_auth_hmacsha256(reinterpret_cast<unsigned char*>(mac.data()),
                         reinterpret_cast<const unsigned char*>(message.data()), message.size(),
                         reinterpret_cast<const unsigned char*>(keys_.front().data()));
  return mac;
}

bool IdentityKey::Verify(absl::string_view message, absl::string_view signature) const {
  if (signature.size() != crypto_auth_hmacsha256_BYTES) return false;
  for (const std::string& key : keys_) {
    if (crypto_auth_hmacsha256_verify(reinterpret_cast<const unsigned char*>(signature.data()),
                                      reinterpret_cast<const unsigned char*>(message.data()),
                                      message.size(),
                                      reinterpret_cast<const unsigned char*>(key.data())) == 0) {
      return true;
    }
  }
  return false;
}

SignedIdentity SignIdentity(const common::v1::Identity& identity, const IdentityKey& key) {
  SignedIdentity signed_identity;
  signed_identity.identity = identity.SerializeAsString();
  signed_identity.signature = key.Sign(signed_identity.identity);
  return signed_identity;
}

absl::StatusOr<common::v1::Identity> VerifyIdentity(absl::string_view identity,
                                                    absl::string_view signature,
                                                    const IdentityKey& key, int64_t now_unix) {
  if (identity.empty() && signature.empty()) return absl::NotFoundError("no identity");
  common::v1::Identity parsed;
  if (!key.Verify(identity, signature) ||
      !parsed.ParseFromArray(identity.data(), static_cast<int>(identity.size()))) {
    return absl::UnauthenticatedError("the caller's identity is not valid");
  }
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
