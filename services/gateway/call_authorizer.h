// The gateway's authentication and authorization step, run before any call is
// forwarded: who is calling (a bearer token or an API key), may they call this
// method, and the signed identity the backend receives.
#pragma once

#include <mutex>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "common/auth/access_token.h"
#include "common/auth/identity.h"
#include "common/auth/permissions.h"

namespace crm::gateway {

class CredentialStore;

// The credential headers of a call.
struct Credentials {
  absl::string_view authorization;  // "Bearer <token or key>"
  absl::string_view api_key;        // x-api-key
};

// The subject of calls to open methods (no credential).
inline constexpr char kAnonymousSubject[] = "anonymous";

// What the gateway tells a backend about the caller.
struct VerifiedCaller {
  std::string subject;  // for the access log; kAnonymousSubject for open methods
  // Metadata added to the backend call (the signed identity).
  std::vector<std::pair<std::string, std::string>> headers;
};

class CallAuthorizer {
 public:
  CallAuthorizer(TokenSecret token_secret, const IdentityKey& identity_key,
                 const CredentialStore& credentials);

  // Declares a method the gateway serves (its path and policy); calls to
  // other methods are UNIMPLEMENTED.
  void AddMethod(std::string path, MethodPolicy policy);

  // Open methods pass as "anonymous". Others need "authorization: Bearer
  // <access token>" or an API key ("x-api-key: <key>", or as the bearer):
  // UNAUTHENTICATED when missing, invalid, expired or revoked; UNAVAILABLE
  // while revocations cannot be known (credential_store.h); PERMISSION_DENIED
  // when the caller's roles lack the method's permission.
  absl::StatusOr<VerifiedCaller> Authorize(absl::string_view method, const Credentials& credentials,
                                           int64_t now_unix);

 private:
  // A credential already verified: its identity, reused until expiry (signed
  // again for each call: the signature names the method and the time).
  struct Verified {
    std::string subject;
    int64_t user_id = 0;  // access tokens: whose, and under which token version
    int64_t token_version = 0;
    RoleSet roles = 0;
    int64_t expires_at = 0;
    uint64_t key_generation = 0;  // API keys: the store's generation when looked up
    std::string identity;         // serialized crm.common.v1.Identity
  };
  absl::StatusOr<Verified> VerifyCredential(absl::string_view credential, bool api_key,
                                            int64_t now_unix) const;

  static constexpr size_t kMaxCached = 20000;
  static constexpr int64_t kApiKeyIdentitySeconds = 300;

  const TokenSecret token_secret_;
  const IdentityKey& identity_key_;
  const CredentialStore& credentials_;
  std::unordered_map<std::string, MethodPolicy> policies_;
  std::mutex mu_;
  std::unordered_map<std::string, Verified> cache_;  // by credential
};

}  // namespace crm::gateway
