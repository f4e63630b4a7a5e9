// FeedbackServiceImpl: method registration.
#include "services/feedback/feedback_service.h"

#include "common/rpc/service_methods.h"

namespace crm::feedback {

FeedbackServiceImpl::FeedbackServiceImpl(Database& db, AsyncMethods& methods,
                                         ServiceRequestRepository& requests,
                                         FeedbackServiceDeps deps)
    : calendar_(db),
      dispatch_(db),
      requirements_(db),
      implementations_(db),
      request_handlers_(requests, deps.check_customer, deps.find_handler, deps.zone),
      calendar_handlers_(calendar_),
      dispatch_handlers_(dispatch_, deps.check_customer, deps.find_handler),
      requirement_handlers_(requirements_, deps.check_customer, deps.zone),
      implementation_handlers_(implementations_, deps.check_customer),
      change_log_(db) {
  ServiceMethods<FeedbackServiceImpl> m(methods, this, v1::FeedbackService::service_full_name());
  // Service requests (R17) and their SLA.
  ServiceRequestHandlers* r = &request_handlers_;
  CRM_METHOD(m, CreateServiceRequest, r);
  CRM_METHOD(m, GetServiceRequest, r);
  CRM_METHOD(m, UpdateServiceRequest, r);
  CRM_METHOD(m, ListServiceRequests, r);
  CRM_METHOD(m, AssignServiceRequest, r);
  CRM_METHOD(m, StartServiceRequest, r);
  CRM_METHOD(m, WaitForCustomer, r);
  CRM_METHOD(m, ResolveServiceRequest, r);
  CRM_METHOD(m, ReopenServiceRequest, r);
  CRM_METHOD(m, RecordCustomerFeedback, r);
  CRM_METHOD(m, ArchiveServiceRequest, r);
  CRM_METHOD(m, ListServiceRequestEvents, r);
  // Return visits (R18).
  CRM_METHOD(m, RecordReturnVisit, r);
  CRM_METHOD(m, ListReturnVisits, r);
  CRM_METHOD(m, ListOverdue, r);
  CRM_METHOD(m, ListAtRisk, r);
  CRM_METHOD(m, ListMyEscalations, r);
  // The requirement library (R19).
  RequirementHandlers* q = &requirement_handlers_;
  CRM_METHOD(m, CreateRequirement, q);
  CRM_METHOD(m, GetRequirement, q);
  CRM_METHOD(m, UpdateRequirement, q);
  CRM_METHOD(m, ListRequirements, q);
  CRM_METHOD(m, LinkRequirementRequest, q);
  CRM_METHOD(m, ListRequirementRequests, q);
  CRM_METHOD(m, ListRequirementsForReview, q);
  // Implementation records (R20).
  ImplementationHandlers* im = &implementation_handlers_;
  CRM_METHOD(m, CreateImplementationRecord, im);
  CRM_METHOD(m, GetImplementationRecord, im);
  CRM_METHOD(m, UpdateImplementationRecord, im);
  CRM_METHOD(m, ListImplementationRecords, im);
  // Dispatch (R21).
  DispatchHandlers* d = &dispatch_handlers_;
  CRM_METHOD(m, SetTechnician, d);
  CRM_METHOD(m, ListTechnicians, d);
  CRM_METHOD(m, FindAvailableTechnicians, d);
  CRM_METHOD(m, BookAppointment, d);
  CRM_METHOD(m, GetAppointment, d);
  CRM_METHOD(m, RescheduleAppointment, d);
  CRM_METHOD(m, CancelAppointment, d);
  CRM_METHOD(m, ListAppointments, d);
  CRM_METHOD(m, ListAppointmentHistory, d);
  // The working calendar and SLA targets.
  CalendarHandlers* k = &calendar_handlers_;
  CRM_METHOD(m, GetWorkCalendar, k);
  CRM_METHOD(m, SetWorkingHours, k);
  CRM_METHOD(m, SetCalendarDay, k);
  CRM_METHOD(m, ListSlaPolicies, k);
  CRM_METHOD(m, SetSlaPolicy, k);
  AddChangeLogMethods(m, &change_log_);
}

}  // namespace crm::feedback
