// What services ask the feedback service: its change feed (as the calling
// service itself), which the customer service follows for complaints
// (customer events, R8) and reporting for its read model.
#pragma once

#include <memory>
#include <string>

#include "common/feed/feed_consumer.h"
#include "common/rpc/service_client.h"
#include "crm/feedback/v1/feedback_service.grpc.pb.h"

namespace crm {

class FeedbackClient {
 public:
  // `address`, `options`: where feedback is and how to reach it; `self`:
  // this service's name (signed into the calls it makes as itself).
  FeedbackClient(const std::string& address, ChannelOptions options, const IdentityKey& key,
                 std::string self);

  // Reads the feedback change feed (for a FeedConsumer).
  FeedConsumer::Fetch Feed() const;

 private:
  ServiceClient client_;
  std::shared_ptr<feedback::v1::FeedbackService::Stub> stub_;
};

}  // namespace crm
