// crm.feedback.v1.FeedbackService: wires each method to its handler.
#pragma once

#include "absl/time/time.h"
#include "common/feed/change_feed.h"
#include "common/rpc/async_methods.h"
#include "crm/feedback/v1/feedback_service.grpc.pb.h"
#include "services/feedback/calendar_handlers.h"
#include "services/feedback/calendar_repository.h"
#include "services/feedback/dispatch_handlers.h"
#include "services/feedback/dispatch_repository.h"
#include "services/feedback/implementation_handlers.h"
#include "services/feedback/implementation_repository.h"
#include "services/feedback/requirement_handlers.h"
#include "services/feedback/requirement_repository.h"
#include "services/feedback/service_request_handlers.h"
#include "services/feedback/service_request_repository.h"

namespace crm {
class Database;
}

namespace crm::feedback {

// What the service needs besides the database.
struct FeedbackServiceDeps {
  CustomerCheck check_customer;  // customers and contacts, as the caller sees them
  HandlerLookup find_handler;    // employees a request is assigned to
  absl::TimeZone zone;           // the company's days
};

class FeedbackServiceImpl : public v1::FeedbackService::AsyncService {
 public:
  // Registers every method's handler in `methods`. `requests` is shared with
  // the SLA worker.
  FeedbackServiceImpl(Database& db, AsyncMethods& methods, ServiceRequestRepository& requests,
                      FeedbackServiceDeps deps);

 private:
  CalendarRepository calendar_;
  DispatchRepository dispatch_;
  RequirementRepository requirements_;
  ImplementationRepository implementations_;
  ServiceRequestHandlers request_handlers_;
  CalendarHandlers calendar_handlers_;
  DispatchHandlers dispatch_handlers_;
  RequirementHandlers requirement_handlers_;
  ImplementationHandlers implementation_handlers_;
  ChangeLogHandlers change_log_;
};

}  // namespace crm::feedback
