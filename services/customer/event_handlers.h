// Handlers of the customer event methods (R8): validation, page tokens, and
// the repository.
#pragma once

#include "common/rpc/call_context.h"
#include "crm/customer/v1/event.pb.h"
#include "google/protobuf/empty.pb.h"
#include "services/customer/event_repository.h"

namespace crm::customer {

class EventHandlers {
 public:
  explicit EventHandlers(EventRepository& repository) : repository_(repository) {}

  absl::Status CreateCustomerEvent(const CallContext& call,
                                   const v1::CreateCustomerEventRequest& request,
                                   v1::CustomerEvent* response);
  absl::Status DeleteCustomerEvent(const CallContext& call,
                                   const v1::DeleteCustomerEventRequest& request,
                                   google::protobuf::Empty* response);
  absl::Status ListCustomerEvents(const CallContext& call,
                                  const v1::ListCustomerEventsRequest& request,
                                  v1::ListCustomerEventsResponse* response);

 private:
  EventRepository& repository_;
};

}  // namespace crm::customer
