// Identity signing with libsodium's HMAC-SHA256.
#include "common/identity.h"

#include <grpcpp/client_context.h>
#include <sodium.h>

#include <chrono>

namespace crm {

absl::StatusOr<IdentityKey> IdentityKey::FromSecret(absl::string_view secret) {
  if (secret.size() < 32) {
    return absl::InvalidArgumentError("the identity key must be at least 32 characters");
  }
  if (sodium_init() < 0) return absl::InternalError("libsodium failed to initialise");
  IdentityKey key;
  key.key_.resize(crypto_auth_hmacsha256_KEYBYTES);
  crypto_hash_sha256(reinterpret_cast<unsigned char*>(key.key_.data()),
                     reinterpret_cast<const unsigned char*>(secret.data()), secret.size());
  return key;
}

std::string IdentityKey::Sign(absl::string_view message) const {
  std::string mac(crypto_auth_hmacsha256_BYTES, '\0');
  crypto_auth_hmacsha256(reinterpret_cast<unsigned char*>(mac.data()),
                         reinterpret_cast<const unsigned char*>(message.data()), message.size(),
                         reinterpret_cast<const unsigned char*>(key_.data()));
  return mac;
}

bool IdentityKey::Verify(absl::string_view message, absl::string_view signature) const {
  if (key_.empty() || signature.size() != crypto_auth_hmacsha256_BYTES) return false;
  return crypto_auth_hmacsha256_verify(reinterpret_cast<const unsigned char*>(signature.data()),
                                       reinterpret_cast<const unsigned char*>(message.data()),
                                       message.size(),
                                       reinterpret_cast<const unsigned char*>(key_.data())) == 0;
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
