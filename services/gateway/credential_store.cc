// Credential state from the org service, and its refresh.
#include "services/gateway/credential_store.h"

#include <grpcpp/channel.h>
#include <grpcpp/client_context.h>

#include <algorithm>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "common/auth/digest.h"
#include "common/auth/identity.h"
#include "common/base/logging.h"
#include "crm/org/v1/org_service.grpc.pb.h"

namespace crm::gateway {
namespace {

// After a failed fetch the next comes this soon (capped by the interval): a
// gateway started before the org service is ready within moments of it.
constexpr std::chrono::milliseconds kRetryAfterFailure{250};
constexpr std::chrono::seconds kFetchTimeout{5};

}  // namespace

bool LooksLikeApiKey(absl::string_view credential) {
  return absl::StartsWith(credential, "crmk_") && credential.size() < 128;
}

std::optional<common::v1::Identity> CredentialStore::FindApiKey(absl::string_view api_key) const {
  const std::string hash = Sha256Hex(api_key);
  std::lock_guard<std::mutex> lock(mu_);
  auto it = keys_.find(hash);
  if (it == keys_.end()) return std::nullopt;
  return it->second;
}

uint64_t CredentialStore::key_generation() const {
  std::lock_guard<std::mutex> lock(mu_);
  return key_generation_;
}

absl::Status CredentialStore::Check(int64_t user_id, int64_t token_version) const {
  const absl::Time now = clock_.Now();
  std::lock_guard<std::mutex> lock(mu_);
  if (now - refreshed_at_ > max_staleness_) {
    return absl::UnavailableError(
        "credentials cannot be checked for revocation right now (the org service is not "
        "answering the gateway); retry later");
  }
  if (user_id != 0) {
    auto it = token_versions_.find(user_id);
    if (it != token_versions_.end() && token_version < it->second) {
      return absl::UnauthenticatedError(
          "the access token was revoked (log-out, or the account changed): refresh it or log "
          "in again");
    }
  }
  return absl::OkStatus();
}

void CredentialStore::Replace(std::unordered_map<std::string, common::v1::Identity> keys,
                              std::unordered_map<int64_t, int64_t> token_versions) {
  const absl::Time now = clock_.Now();
  std::lock_guard<std::mutex> lock(mu_);
  bool same_keys = keys.size() == keys_.size();
  for (auto it = keys.begin(); same_keys && it != keys.end(); ++it) {
    auto old = keys_.find(it->first);
    same_keys =
        old != keys_.end() && old->second.SerializeAsString() == it->second.SerializeAsString();
  }
  if (!same_keys) {
    keys_ = std::move(keys);
    ++key_generation_;
  }
  token_versions_ = std::move(token_versions);
  refreshed_at_ = now;
}

CredentialRefresher::CredentialRefresher(std::shared_ptr<grpc::Channel> org,
                                         const IdentityKey& identity_key, CredentialStore& store,
                                         std::chrono::milliseconds interval,
                                         std::function<void()> on_first_refresh)
    : org_(std::move(org)),
      identity_key_(identity_key),
      store_(store),
      interval_(interval),
      on_first_refresh_(std::move(on_first_refresh)) {}

CredentialRefresher::~CredentialRefresher() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void CredentialRefresher::Start() {
  bool fresh = RefreshOnce();
  thread_ = std::thread([this, fresh]() mutable {
    std::unique_lock<std::mutex> lock(mu_);
    while (!wake_.wait_for(lock, fresh ? interval_ : std::min(interval_, kRetryAfterFailure),
                           [this] { return stopping_; })) {
      lock.unlock();
      fresh = RefreshOnce();
      lock.lock();
    }
  });
}

bool CredentialRefresher::RefreshOnce() {
  auto stub = org::v1::OrgService::NewStub(org_);
  common::v1::Identity system;
  system.set_subject("system:gateway");
  system.add_roles("system");
  system.set_expires_at(UnixNow() + 60);
  auto prepare = [&](grpc::ClientContext& context, absl::string_view method) {
    context.set_deadline(std::chrono::system_clock::now() + kFetchTimeout);
    AttachIdentity(SignIdentity(system, identity_key_, method, UnixNow()), &context);
  };
  org::v1::ListActiveApiKeysResponse keys_response;
  org::v1::ListTokenRevocationsResponse revocations_response;
  grpc::ClientContext keys_context;
  prepare(keys_context, "/crm.org.v1.OrgService/ListActiveApiKeys");
  grpc::Status status =
      stub->ListActiveApiKeys(&keys_context, org::v1::ListActiveApiKeysRequest(), &keys_response);
  if (status.ok()) {
    grpc::ClientContext revocations_context;
    prepare(revocations_context, "/crm.org.v1.OrgService/ListTokenRevocations");
    status = stub->ListTokenRevocations(
        &revocations_context, org::v1::ListTokenRevocationsRequest(), &revocations_response);
  }
  if (!status.ok()) {
    log::Warn("cannot refresh API keys and token revocations", {{"error", status.error_message()}});
    return false;
  }
  std::unordered_map<std::string, common::v1::Identity> keys;
  for (const auto& key : keys_response.keys()) {
    const auto& account = key.service_account();
    common::v1::Identity identity;
    identity.set_subject(absl::StrCat("service:", account.id()));
    identity.set_display_name(account.name());
    for (const std::string& role : account.roles()) identity.add_roles(role);
    keys[key.key_sha256()] = std::move(identity);
  }
  std::unordered_map<int64_t, int64_t> token_versions;
  for (const auto& revocation : revocations_response.revocations()) {
    token_versions[revocation.user_id()] = revocation.token_version();
  }
  store_.Replace(std::move(keys), std::move(token_versions));
  if (on_first_refresh_) std::call_once(first_refresh_, on_first_refresh_);
  return true;
}

}  // namespace crm::gateway
