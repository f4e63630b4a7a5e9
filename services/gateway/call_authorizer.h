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

class ApiKeyStore;

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
                 const ApiKeyStore& api_keys);

  // Declares a method the gateway serves (its path and policy); calls to
  // other methods are UNIMPLEMENTED.
  void AddMethod(std::string path, MethodPolicy policy);

  // Open methods pass as "anonymous". Others need "authorization: Bearer
  // <access token>" or an API key ("x-api-key: <key>", or as the bearer):
  // UNAUTHENTICATED when missing, invalid or expired; PERMISSION_DENIED when
  // the caller's roles lack the method's permission.
  absl::StatusOr<VerifiedCaller> Authorize(absl::string_view method, const Credentials& credentials,
                                           int64_t now_unix);

 private:
  // A credential already verified: its signed identity, reused until expiry.
  struct Verified {
    std::string subject;
    RoleSet roles = 0;
    int64_t expires_at = 0;
    uint64_t key_generation = 0;  // API keys: the store's generation when looked up
    SignedIdentity signed_identity;
  };
  absl::StatusOr<Verified> VerifyCredential(absl::string_view credential, bool api_key,
                                            int64_t now_unix) const;

  static constexpr size_t kMaxCached = 20000;
  static constexpr int64_t kApiKeyIdentitySeconds = 300;

  const TokenSecret token_secret_;
  const IdentityKey& identity_key_;
  const ApiKeyStore& api_keys_;
  std::unordered_map<std::string, MethodPolicy> policies_;
  std::mutex mu_;
  std::unordered_map<std::string, Verified> cache_;  // by credential
};

}  // namespace crm::gateway
