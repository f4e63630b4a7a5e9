// Sha256Hex on libsodium.
#include "common/auth/digest.h"

#include <sodium.h>

namespace crm {

std::string Sha256Hex(absl::string_view data) {
  unsigned char digest[crypto_hash_sha256_BYTES];
  crypto_hash_sha256(digest, reinterpret_cast<const unsigned char*>(data.data()), data.size());
  char hex[crypto_hash_sha256_BYTES * 2 + 1];
  sodium_bin2hex(hex, sizeof(hex), digest, sizeof(digest));
  return std::string(hex);
}

}  // namespace crm
