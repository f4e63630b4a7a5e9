// Password hashing with argon2id (libsodium crypto_pwhash_str): memory-hard,
// salted, and the parameters travel inside each hash.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace crm {
class FieldViolations;
}

namespace crm::org {

class PasswordHasher {
 public:
  // libsodium's "interactive" limits by default: 2 passes over 64 MiB.
  PasswordHasher(uint64_t ops_limit, size_t memory_limit_bytes);

  absl::StatusOr<std::string> Hash(absl::string_view password) const;
  bool Verify(const std::string& hash, absl::string_view password) const;
  // Takes as long as a real check, against a hash no password matches, so an
  // unknown user name costs an attacker the same time as a known one.
  void VerifyAgainstNothing(absl::string_view password) const;

 private:
  uint64_t ops_limit_;
  size_t memory_limit_;
  std::string dummy_hash_;
};

// 8 to 128 characters, not the user name itself; a violation names `field`.
void CheckPasswordPolicy(FieldViolations& violations, const std::string& field,
                         absl::string_view password, absl::string_view username);

}  // namespace crm::org
