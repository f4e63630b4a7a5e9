// What services ask the sales service: its change feed (as the calling
// service itself), which the customer service follows for each customer's
// follow-ups and wins (the pool's recycle rules) and reporting for its read
// model; and the caller's sales reminders (reporting's reminder feed).
#pragma once

#include <memory>
#include <string>

#include "common/feed/feed_consumer.h"
#include "common/rpc/service_client.h"
#include "crm/sales/v1/sales_service.grpc.pb.h"

namespace crm {

class SalesClient {
 public:
  // `address`, `options`: where sales is and how to reach it; `self`: this
  // service's name (signed into the calls it makes as itself).
  SalesClient(const std::string& address, ChannelOptions options, const IdentityKey& key,
              std::string self);

  // What is due for the caller in sales (next steps, expected close dates,
  // deliveries, order reminders), as the caller.
  absl::StatusOr<sales::v1::ListMyRemindersResponse> ListMyReminders(
      const CallContext& call, const sales::v1::ListMyRemindersRequest& request) const;
  // Reads the sales change feed (for a FeedConsumer).
  FeedConsumer::Fetch Feed() const;

 private:
  ServiceClient client_;
  std::shared_ptr<sales::v1::SalesService::Stub> stub_;
};

}  // namespace crm
