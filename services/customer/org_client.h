// What the customer service asks the org service, as itself (a signed
// "system" identity): employees for assignments and shares, system
// parameters for grade thresholds, and the org change feed.
#pragma once

#include <memory>
#include <vector>

#include "absl/status/statusor.h"
#include "common/feed_consumer.h"
#include "common/mysql_pool.h"
#include "crm/org/v1/org_service.grpc.pb.h"

namespace crm {
class IdentityKey;
}

namespace crm::customer {

class OrgClient {
 public:
  OrgClient(std::shared_ptr<grpc::Channel> channel, const IdentityKey& key);

  // NOT_FOUND when there is no such employee; UNAVAILABLE when org cannot answer.
  absl::StatusOr<org::v1::Employee> GetEmployee(int64_t id, Deadline deadline) const;
  absl::StatusOr<std::vector<org::v1::SystemParameter>> ListSystemParameters() const;
  // Reads the org change feed (for a FeedConsumer).
  FeedConsumer::Fetch Feed() const;

 private:
  std::shared_ptr<org::v1::OrgService::Stub> stub_;
  const IdentityKey& key_;
};

}  // namespace crm::customer
