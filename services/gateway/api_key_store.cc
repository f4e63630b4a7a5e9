// API key lookup and refresh.
#include "services/gateway/api_key_store.h"

#include <grpcpp/channel.h>
#include <grpcpp/client_context.h>

#include "absl/strings/match.h"
#include "common/auth/digest.h"
#include "common/auth/identity.h"
#include "common/base/logging.h"
#include "crm/org/v1/org_service.grpc.pb.h"

namespace crm::gateway {

bool LooksLikeApiKey(absl::string_view credential) {
  return absl::StartsWith(credential, "crmk_") && credential.size() < 128;
}

std::optional<common::v1::Identity> ApiKeyStore::Find(absl::string_view api_key) const {
  const std::string hash = Sha256Hex(api_key);
  std::lock_guard<std::mutex> lock(mu_);
  auto it = keys_.find(hash);
  if (it == keys_.end()) return std::nullopt;
  return it->second;
}

void ApiKeyStore::Replace(std::unordered_map<std::string, common::v1::Identity> keys) {
  std::lock_guard<std::mutex> lock(mu_);
  bool same = keys.size() == keys_.size();
  for (auto it = keys.begin(); same && it != keys.end(); ++it) {
    auto old = keys_.find(it->first);
    same = old != keys_.end() && old->second.SerializeAsString() == it->second.SerializeAsString();
  }
  if (same) return;
  keys_ = std::move(keys);
  ++generation_;
}

uint64_t ApiKeyStore::generation() const {
  std::lock_guard<std::mutex> lock(mu_);
  return generation_;
}

ApiKeyRefresher::ApiKeyRefresher(std::shared_ptr<grpc::Channel> org,
                                 const IdentityKey& identity_key, ApiKeyStore& store,
                                 std::chrono::milliseconds interval)
    : org_(std::move(org)), identity_key_(identity_key), store_(store), interval_(interval) {}

ApiKeyRefresher::~ApiKeyRefresher() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void ApiKeyRefresher::Start() {
  RefreshOnce();
  thread_ = std::thread([this] {
    std::unique_lock<std::mutex> lock(mu_);
    while (!wake_.wait_for(lock, interval_, [this] { return stopping_; })) {
      lock.unlock();
      RefreshOnce();
      lock.lock();
    }
  });
}

bool ApiKeyRefresher::RefreshOnce() {
  common::v1::Identity system;
  system.set_subject("system:gateway");
  system.add_roles("system");
  system.set_expires_at(UnixNow() + 60);
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(5));
  AttachIdentity(SignIdentity(system, identity_key_), &context);
  org::v1::ListActiveApiKeysResponse response;
  grpc::Status status = org::v1::OrgService::NewStub(org_)->ListActiveApiKeys(
      &context, org::v1::ListActiveApiKeysRequest(), &response);
  if (!status.ok()) {
    log::Warn("cannot refresh API keys", {{"error", status.error_message()}});
    return false;
  }
  std::unordered_map<std::string, common::v1::Identity> keys;
  for (const auto& key : response.keys()) {
    const auto& account = key.service_account();
    common::v1::Identity identity;
    identity.set_subject("service:" + std::to_string(account.id()));
    identity.set_display_name(account.name());
    for (const std::string& role : account.roles()) identity.add_roles(role);
    keys[key.key_sha256()] = std::move(identity);
  }
  store_.Replace(std::move(keys));
  return true;
}

}  // namespace crm::gateway
