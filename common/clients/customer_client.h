// What services ask the customer service: whether the caller can see a
// customer (orders, opportunities, service requests name one), always on the
// caller's behalf, so its row-level visibility decides; and its change feed
// (reporting's read model), as the calling service itself.
#pragma once

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "common/clients/customer_check.h"
#include "common/feed/feed_consumer.h"
#include "common/rpc/call_context.h"
#include "common/rpc/service_client.h"
#include "crm/customer/v1/customer_service.grpc.pb.h"

namespace crm {

class CustomerClient {
 public:
  // `address`, `options`: where customer is and how to reach it; `self`: this
  // service's name.
  CustomerClient(const std::string& address, ChannelOptions options, const IdentityKey& key,
                 std::string self);

  // The customer as the caller sees it: NOT_FOUND when there is none or the
  // caller may not see it; UNAVAILABLE when the customer service cannot answer.
  absl::StatusOr<customer::v1::Customer> GetCustomer(const CallContext& call, int64_t id) const;
  // The contact, likewise under the caller's visibility of its customer.
  absl::StatusOr<customer::v1::Contact> GetContact(const CallContext& call, int64_t id) const;
  // The caller's care reminders (birthdays, anniversaries) and pool-recycle
  // warnings, as the customer service lists them for the caller.
  absl::StatusOr<customer::v1::ListCareRemindersResponse> ListCareReminders(
      const CallContext& call, const customer::v1::ListCareRemindersRequest& request) const;
  absl::StatusOr<customer::v1::ListMyPoolWarningsResponse> ListMyPoolWarnings(
      const CallContext& call) const;
  // Reads the customer change feed (for a FeedConsumer), as this service.
  FeedConsumer::Fetch Feed() const;

 private:
  ServiceClient client_;
  std::shared_ptr<customer::v1::CustomerService::Stub> stub_;
};

// The check every service makes of the customer and contact a record
// names, through `client` (which must outlive it), as the caller.
CustomerCheck CheckCustomersWith(const CustomerClient& client);

}  // namespace crm
