// Handlers of the service request methods (R17): validation, the customer,
// contact and handler checks, the lifecycle's rules, and the repository.
#pragma once

#include <cstdint>
#include <functional>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "common/clients/customer_check.h"
#include "common/feed/owner_departments.h"
#include "common/rpc/call_context.h"
#include "crm/feedback/v1/service_request.pb.h"
#include "services/feedback/service_request_repository.h"

namespace crm::feedback {

// The employee a request may be assigned to, as its new owner: NOT_FOUND
// when there is none, FAILED_PRECONDITION when they have left. In the
// process it asks the org service (main.cc).
using HandlerLookup =
    std::function<absl::StatusOr<Owner>(const CallContext& call, int64_t employee_id)>;

class ServiceRequestHandlers {
 public:
  // `zone`: the company's (a return visit's day).
  ServiceRequestHandlers(ServiceRequestRepository& requests, CustomerCheck check_customer,
                         HandlerLookup find_handler, absl::TimeZone zone)
      : requests_(requests),
        check_customer_(std::move(check_customer)),
        find_handler_(std::move(find_handler)),
        zone_(zone) {}

  absl::Status CreateServiceRequest(const CallContext& call,
                                    const v1::CreateServiceRequestRequest& request,
                                    v1::ServiceRequest* response);
  absl::Status GetServiceRequest(const CallContext& call,
                                 const v1::GetServiceRequestRequest& request,
                                 v1::ServiceRequest* response);
  absl::Status UpdateServiceRequest(const CallContext& call,
                                    const v1::UpdateServiceRequestRequest& request,
                                    v1::ServiceRequest* response);
  absl::Status ListServiceRequests(const CallContext& call,
                                   const v1::ListServiceRequestsRequest& request,
                                   v1::ListServiceRequestsResponse* response);
  absl::Status AssignServiceRequest(const CallContext& call,
                                    const v1::AssignServiceRequestRequest& request,
                                    v1::ServiceRequest* response);
  absl::Status StartServiceRequest(const CallContext& call,
                                   const v1::ServiceRequestStepRequest& request,
                                   v1::ServiceRequest* response);
  absl::Status WaitForCustomer(const CallContext& call,
                               const v1::ServiceRequestStepRequest& request,
                               v1::ServiceRequest* response);
  absl::Status ResolveServiceRequest(const CallContext& call,
                                     const v1::ServiceRequestStepRequest& request,
                                     v1::ServiceRequest* response);
  absl::Status ReopenServiceRequest(const CallContext& call,
                                    const v1::ServiceRequestStepRequest& request,
                                    v1::ServiceRequest* response);
  absl::Status RecordCustomerFeedback(const CallContext& call,
                                      const v1::RecordCustomerFeedbackRequest& request,
                                      v1::ServiceRequest* response);
  absl::Status ArchiveServiceRequest(const CallContext& call,
                                     const v1::ServiceRequestStepRequest& request,
                                     v1::ServiceRequest* response);
  absl::Status RecordReturnVisit(const CallContext& call,
                                 const v1::RecordReturnVisitRequest& request,
                                 v1::ServiceRequest* response);
  absl::Status ListReturnVisits(const CallContext& call, const v1::ListReturnVisitsRequest& request,
                                v1::ListReturnVisitsResponse* response);
  absl::Status ListServiceRequestEvents(const CallContext& call,
                                        const v1::ListServiceRequestEventsRequest& request,
                                        v1::ListServiceRequestEventsResponse* response);
  absl::Status ListOverdue(const CallContext& call, const v1::ListSlaRequestsRequest& request,
                           v1::ListSlaRequestsResponse* response);
  absl::Status ListAtRisk(const CallContext& call, const v1::ListSlaRequestsRequest& request,
                          v1::ListSlaRequestsResponse* response);
  absl::Status ListMyEscalations(const CallContext& call,
                                 const v1::ListMyEscalationsRequest& request,
                                 v1::ListMyEscalationsResponse* response);

 private:
  // A step named by the method: validated `request`, then `step` on the
  // stored request.
  absl::Status RunStep(const CallContext& call, const v1::ServiceRequestStepRequest& request,
                       bool note_required, const Step& step, v1::ServiceRequest* response);
  absl::Status ListSla(const CallContext& call, SlaList which,
                       const v1::ListSlaRequestsRequest& request,
                       v1::ListSlaRequestsResponse* response);

  ServiceRequestRepository& requests_;
  CustomerCheck check_customer_;
  HandlerLookup find_handler_;
  absl::TimeZone zone_;
};

}  // namespace crm::feedback
