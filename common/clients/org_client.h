// What services ask the org service: employees (on behalf of the caller),
// system parameters and the org change feed (as the calling service itself).
#pragma once

#include <memory>
#include <vector>

#include "absl/status/statusor.h"
#include "common/feed/feed_consumer.h"
#include "common/rpc/call_context.h"
#include "common/rpc/service_client.h"
#include "crm/org/v1/org_service.grpc.pb.h"

namespace crm {

class OrgClient {
 public:
  // `address`, `options`: where org is and how to reach it; `self`: this
  // service's name (signed into the calls it makes as itself).
  OrgClient(const std::string& address, ChannelOptions options, const IdentityKey& key,
            std::string self);

  // NOT_FOUND when there is no such employee; UNAVAILABLE when org cannot answer.
  absl::StatusOr<org::v1::Employee> GetEmployee(const CallContext& call, int64_t id) const;
  absl::StatusOr<std::vector<org::v1::SystemParameter>> ListSystemParameters() const;
  // Who approves a document (asked as this service): see ListApproversRequest.
  absl::StatusOr<std::vector<org::v1::Employee>> ListApprovers(
      const org::v1::ListApproversRequest& request) const;
  // Reads the org change feed (for a FeedConsumer).
  FeedConsumer::Fetch Feed() const;

 private:
  ServiceClient client_;
  std::shared_ptr<org::v1::OrgService::Stub> stub_;
};

}  // namespace crm
