// PasswordHasher.
#include "services/org/password_hasher.h"

#include <sodium.h>

#include <stdexcept>

#include "common/base/status_util.h"
#include "common/text/text_checks.h"

namespace crm::org {

PasswordHasher::PasswordHasher(uint64_t ops_limit, size_t memory_limit_bytes)
    : ops_limit_(ops_limit), memory_limit_(memory_limit_bytes) {
  if (sodium_init() < 0) throw std::runtime_error("libsodium failed to initialise");
  unsigned char random[32];
  randombytes_buf(random, sizeof(random));
  absl::StatusOr<std::string> dummy =
      Hash(absl::string_view(reinterpret_cast<char*>(random), sizeof(random)));
  if (!dummy.ok())
    throw std::runtime_error("cannot hash: " + std::string(dummy.status().message()));
  dummy_hash_ = *dummy;
}

absl::StatusOr<std::string> PasswordHasher::Hash(absl::string_view password) const {
  char hash[crypto_pwhash_STRBYTES];
  if (crypto_pwhash_str_alg(hash, password.data(), password.size(), ops_limit_, memory_limit_,
                            crypto_pwhash_ALG_ARGON2ID13) != 0) {
    return absl::ResourceExhaustedError("not enough memory to hash the password; retry later");
  }
  return std::string(hash);
}

bool PasswordHasher::Verify(const std::string& hash, absl::string_view password) const {
  return crypto_pwhash_str_verify(hash.c_str(), password.data(), password.size()) == 0;
}

void PasswordHasher::VerifyAgainstNothing(absl::string_view password) const {
  Verify(dummy_hash_, password);
}

void CheckPasswordPolicy(FieldViolations& violations, const std::string& field,
                         absl::string_view password, absl::string_view username) {
  const size_t length = Utf8Length(password);
  if (length < 8) {
    violations.Add(field, "must be at least 8 characters");
  } else if (length > 128) {
    violations.Add(field, "must be at most 128 characters");
  } else if (password == username) {
    violations.Add(field, "must not be the user name");
  }
}

}  // namespace crm::org
