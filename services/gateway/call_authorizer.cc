// CallAuthorizer: credentials, permissions, and the identity cache.
#include "services/gateway/call_authorizer.h"

#include <algorithm>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "common/base/status_util.h"
#include "services/gateway/credential_store.h"

namespace crm::gateway {
CallAuthorizer::CallAuthorizer(TokenSecret token_secret, const IdentityKey& identity_key,
                               const CredentialStore& credentials)
    : token_secret_(std::move(token_secret)),
      identity_key_(identity_key),
      credentials_(credentials) {}

void CallAuthorizer::AddMethod(std::string path, MethodPolicy policy) {
  policies_[std::move(path)] = std::move(policy);
}

absl::StatusOr<CallAuthorizer::Verified> CallAuthorizer::VerifyCredential(
    absl::string_view credential, bool api_key, int64_t now_unix) const {
  common::v1::Identity identity;
  Verified verified;
  if (api_key) {
    verified.key_generation = credentials_.key_generation();
    std::optional<common::v1::Identity> account = credentials_.FindApiKey(credential);
    if (!account) return absl::UnauthenticatedError("the API key is not valid");
    identity = *std::move(account);
    identity.set_expires_at(now_unix + kApiKeyIdentitySeconds);
  } else {
    absl::StatusOr<common::v1::Identity> token =
        VerifyAccessToken(credential, token_secret_, now_unix);
    if (!token.ok()) return token.status();
    identity = *std::move(token);
    verified.user_id = identity.user_id();
    verified.token_version = identity.token_version();
  }
  verified.subject = identity.subject();
  // The system role is the CRM's own processes' and is never assigned; a
  // credential naming it anyway gets neither its permissions here nor its
  // reach (scope, internal methods) at the backend.
  auto* roles = identity.mutable_roles();
  roles->erase(std::remove(roles->begin(), roles->end(), RoleName(Role::kSystem)), roles->end());
  verified.roles = ParseKnownRoles(identity.roles());
  verified.expires_at = identity.expires_at();
  verified.identity = identity.SerializeAsString();
  return verified;
}

absl::StatusOr<VerifiedCaller> CallAuthorizer::Authorize(absl::string_view method,
                                                         const Credentials& credentials,
                                                         int64_t now_unix) {
  auto policy_it = policies_.find(std::string(method));
  if (policy_it == policies_.end() || !policy_it->second.declared) {
    return absl::UnimplementedError(absl::StrCat("unknown method ", method));
  }
  const MethodPolicy& policy = policy_it->second;
  if (policy.open) return VerifiedCaller{kAnonymousSubject, {}};

  absl::string_view credential = credentials.api_key;
  bool api_key = !credential.empty();
  if (!api_key) {
    absl::string_view authorization = credentials.authorization;
    if (!absl::StartsWith(authorization, "Bearer ")) {
      return absl::UnauthenticatedError(
          "this call needs a credential: \"authorization: Bearer <access token>\" or "
          "\"x-api-key: <key>\"");
    }
    credential = authorization.substr(7);
    api_key = LooksLikeApiKey(credential);
  }

  std::string key(credential);
  Verified verified;
  bool cached = false;
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = cache_.find(key);
    if (it != cache_.end() && it->second.expires_at > now_unix &&
        (!api_key || it->second.key_generation == credentials_.key_generation())) {
      verified = it->second;
      cached = true;
    }
  }
  if (!cached) {
    absl::StatusOr<Verified> fresh = VerifyCredential(credential, api_key, now_unix);
    if (!fresh.ok()) return fresh.status();
    verified = *std::move(fresh);
    std::lock_guard<std::mutex> lock(mu_);
    if (cache_.size() >= kMaxCached) cache_.clear();  // rare; verifying again is cheap enough
    cache_[key] = verified;
  }
  // On every call, cached or not: a revocation takes effect at once.
  CRM_RETURN_IF_ERROR(credentials_.Check(verified.user_id, verified.token_version));
  if ((verified.roles & policy.allowed) == 0) {
    return absl::PermissionDeniedError(absl::StrCat("the caller may not ", policy.permission));
  }
  SignedIdentity signed_identity =
      SignIdentity(std::move(verified.identity), identity_key_, method, now_unix);
  VerifiedCaller caller{verified.subject, {}};
  caller.headers.emplace_back(kIdentityHeader, std::move(signed_identity.identity));
  caller.headers.emplace_back(kIdentitySignatureHeader, std::move(signed_identity.signature));
  return caller;
}

}  // namespace crm::gateway
