// The service accounts' API keys the gateway accepts, kept in memory and
// refreshed from the org service (which stores only their hashes).
#pragma once

#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <unordered_map>

#include "absl/strings/string_view.h"
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

class ApiKeyStore {
 public:
  // The identity of the account owning `api_key` (expires_at unset), if valid now.
  std::optional<common::v1::Identity> Find(absl::string_view api_key) const;
  // Replaces every key: SHA-256 (hex) of the key -> its account's identity.
  void Replace(std::unordered_map<std::string, common::v1::Identity> keys);
  // Changes whenever the set of keys changes (so caches know to look again).
  uint64_t generation() const;

 private:
  mutable std::mutex mu_;
  std::unordered_map<std::string, common::v1::Identity> keys_;
  uint64_t generation_ = 0;
};

// Fetches the active keys from the org service every `interval` (a revoked key
// stops working within that time), as the internal "system" caller.
class ApiKeyRefresher {
 public:
  ApiKeyRefresher(std::shared_ptr<grpc::Channel> org, const IdentityKey& identity_key,
                  ApiKeyStore& store, std::chrono::milliseconds interval);
  ~ApiKeyRefresher();
  void Start();
  // One fetch now; false if the org service did not answer.
  bool RefreshOnce();

 private:
  std::shared_ptr<grpc::Channel> org_;
  const IdentityKey& identity_key_;
  ApiKeyStore& store_;
  const std::chrono::milliseconds interval_;
  std::mutex mu_;
  std::condition_variable wake_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace crm::gateway
