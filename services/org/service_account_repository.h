// SQL for service accounts (crm_org.service_accounts): API keys other
// systems call with, stored by their SHA-256 and a short display prefix.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "common/rpc/call_context.h"
#include "crm/org/v1/auth.pb.h"

namespace crm {
class Database;
}  // namespace crm

namespace crm::org {

class ServiceAccountRepository {
 public:
  explicit ServiceAccountRepository(Database& db) : db_(db) {}

  // The key is shown once, to the first call: a retry with the same request
  // id is ALREADY_EXISTS (it cannot show the key again).
  absl::StatusOr<v1::ServiceAccount> Create(const CallContext& call,
                                            const v1::ServiceAccount& account,
                                            const std::string& key_sha256,
                                            const std::string& key_prefix,
                                            const std::string& request_id);
  // Every account, revoked ones included, by id (not paged: there are few).
  absl::StatusOr<std::vector<v1::ServiceAccount>> List(const CallContext& call);
  // Idempotent: revoking a revoked account returns it as it is.
  absl::StatusOr<v1::ServiceAccount> Revoke(const CallContext& call, int64_t id);
  absl::StatusOr<std::vector<v1::ActiveApiKey>> ActiveKeys(const CallContext& call);

 private:
  Database& db_;
};

}  // namespace crm::org
