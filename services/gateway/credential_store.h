// What the gateway must know from the org service to judge credentials: the
// service accounts' API keys (the org service stores only their hashes) and
// which users' access tokens were revoked before they expire. Both are kept
// in memory and fetched again every few seconds; when they could not be
// fetched for longer than a bound, credentials are refused (fail closed), as
// a revocation made meanwhile would be missed.
#pragma once

#include <chrono>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <unordered_map>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "common/base/clock.h"
#include "crm/common/v1/auth.pb.h"

namespace grpc {
class Channel;
}

namespace crm {
class IdentityKey;
}

namespace crm::gateway {

// The key format: "crmk_" and 43 characters of base64url (32 random bytes).
bool LooksLikeApiKey(absl::string_view credential);

class CredentialStore {
 public:
  // Credentials are refused while the last refresh is older than
  // `max_staleness` by `clock`, and until the first one.
  CredentialStore(const Clock& clock, absl::Duration max_staleness)
      : clock_(clock), max_staleness_(max_staleness) {}

  // The identity of the account owning `api_key` (expires_at unset), if valid now.
  std::optional<common::v1::Identity> FindApiKey(absl::string_view api_key) const;
  // Changes whenever the set of keys changes (so caches know to look again).
  uint64_t key_generation() const;

  // OK for a credential judged now: UNAVAILABLE when the store is stale,
  // UNAUTHENTICATED for an access token whose user's tokens were revoked
  // after it was issued. `user_id` 0: an API key (checked for staleness only).
  absl::Status Check(int64_t user_id, int64_t token_version) const;

  // A successful refresh: every active key (SHA-256 hex -> its account's
  // identity) and each recently revoked user's current token version.
  void Replace(std::unordered_map<std::string, common::v1::Identity> keys,
               std::unordered_map<int64_t, int64_t> token_versions);

 private:
  const Clock& clock_;
  const absl::Duration max_staleness_;
  mutable std::mutex mu_;
  std::unordered_map<std::string, common::v1::Identity> keys_;
  std::unordered_map<int64_t, int64_t> token_versions_;
  uint64_t key_generation_ = 0;
  absl::Time refreshed_at_ = absl::InfinitePast();
};

// Fetches keys and revocations from the org service every `interval` (sooner
// again after a failure), as the internal "system" caller.
class CredentialRefresher {
 public:
  // `on_first_refresh` runs once, after the first successful fetch (the
  // gateway reports itself ready then).
  CredentialRefresher(std::shared_ptr<grpc::Channel> org, const IdentityKey& identity_key,
                      CredentialStore& store, std::chrono::milliseconds interval,
                      std::function<void()> on_first_refresh = nullptr);
  ~CredentialRefresher();
  // One fetch now, then more on a thread of its own.
  void Start();
  // One fetch now; false if the org service did not answer.
  bool RefreshOnce();

 private:
  std::shared_ptr<grpc::Channel> org_;
  const IdentityKey& identity_key_;
  CredentialStore& store_;
  const std::chrono::milliseconds interval_;
  const std::function<void()> on_first_refresh_;
  std::once_flag first_refresh_;
  std::mutex mu_;
  std::condition_variable wake_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace crm::gateway
