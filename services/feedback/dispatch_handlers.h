// Handlers of the dispatch methods (R21, dispatch.proto): validation, the
// customer and employee checks, and the repository.
#pragma once

#include "common/clients/customer_check.h"
#include "common/rpc/call_context.h"
#include "crm/feedback/v1/dispatch.pb.h"
#include "services/feedback/dispatch_repository.h"
#include "services/feedback/service_request_handlers.h"

namespace crm::feedback {

class DispatchHandlers {
 public:
  DispatchHandlers(DispatchRepository& dispatch, CustomerCheck check_customer,
                   HandlerLookup find_employee)
      : dispatch_(dispatch),
        check_customer_(std::move(check_customer)),
        find_employee_(std::move(find_employee)) {}

  absl::Status SetTechnician(const CallContext& call, const v1::SetTechnicianRequest& request,
                             v1::Technician* response);
  absl::Status ListTechnicians(const CallContext& call, const v1::ListTechniciansRequest& request,
                               v1::ListTechniciansResponse* response);
  absl::Status FindAvailableTechnicians(const CallContext& call,
                                        const v1::FindAvailableTechniciansRequest& request,
                                        v1::FindAvailableTechniciansResponse* response);
  absl::Status BookAppointment(const CallContext& call, const v1::BookAppointmentRequest& request,
                               v1::Appointment* response);
  absl::Status GetAppointment(const CallContext& call, const v1::GetAppointmentRequest& request,
                              v1::Appointment* response);
  absl::Status RescheduleAppointment(const CallContext& call,
                                     const v1::RescheduleAppointmentRequest& request,
                                     v1::Appointment* response);
  absl::Status CancelAppointment(const CallContext& call,
                                 const v1::CancelAppointmentRequest& request,
                                 v1::Appointment* response);
  absl::Status ListAppointments(const CallContext& call, const v1::ListAppointmentsRequest& request,
                                v1::ListAppointmentsResponse* response);
  absl::Status ListAppointmentHistory(const CallContext& call,
                                      const v1::ListAppointmentHistoryRequest& request,
                                      v1::ListAppointmentHistoryResponse* response);

 private:
  DispatchRepository& dispatch_;
  CustomerCheck check_customer_;
  HandlerLookup find_employee_;
};

}  // namespace crm::feedback
