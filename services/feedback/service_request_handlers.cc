// ServiceRequestHandlers: field rules and the lifecycle (service_request.proto).
#include "services/feedback/service_request_handlers.h"

#include <initializer_list>
#include <optional>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/base/dates.h"
#include "common/base/status_util.h"
#include "common/db/record_helpers.h"
#include "common/db/sql_time.h"
#include "common/rpc/paging.h"
#include "common/rpc/update_mask.h"
#include "common/text/text_checks.h"

namespace crm::feedback {
namespace {

using v1::RequestStatus;
using v1::ServiceRequest;

constexpr int kNoteChars = 500;

const MaskFields<ServiceRequest>& MutableFields() {
  static const auto* fields = new MaskFields<ServiceRequest>{
      {"contact_id", ScalarField(&ServiceRequest::contact_id, &ServiceRequest::set_contact_id)},
      {"subject", TextField(&ServiceRequest::subject, &ServiceRequest::mutable_subject)},
      {"description",
       VerbatimTextField(&ServiceRequest::description, &ServiceRequest::mutable_description)},
  };
  return *fields;
}

absl::Status ValidateRequest(const ServiceRequest& r) {
  FieldViolations v;
  if (r.type() == v1::REQUEST_TYPE_UNSPECIFIED || !v1::RequestType_IsValid(r.type())) {
    v.Add("service_request.type", "must be CONSULTATION, SUGGESTION, COMPLAINT or REPAIR");
  }
  if (r.priority() == v1::PRIORITY_UNSPECIFIED || !v1::Priority_IsValid(r.priority())) {
    v.Add("service_request.priority", "must be LOW, NORMAL, HIGH or URGENT");
  }
  if (r.customer_id() <= 0) v.Add("service_request.customer_id", "must be a positive customer id");
  if (r.contact_id() < 0)
    v.Add("service_request.contact_id", "must be a contact id, or 0 for none");
  CheckText(v, "service_request.subject", r.subject(), 200, Presence::kRequired);
  CheckText(v, "service_request.description", r.description(), 5000, Presence::kOptional,
            /*multiline=*/true);
  return v.ToStatus();
}

absl::Status CheckId(int64_t id, const char* field = "id") {
  return id > 0 ? absl::OkStatus() : InvalidField(field, "must be a positive service request id");
}

// FAILED_PRECONDITION unless the request is in one of `allowed`.
absl::Status RequireStatus(const ServiceRequest& r, absl::string_view step,
                           std::initializer_list<RequestStatus> allowed) {
  for (RequestStatus s : allowed) {
    if (r.status() == s) return absl::OkStatus();
  }
  std::vector<std::string> names;
  for (RequestStatus s : allowed) names.push_back(v1::RequestStatus_Name(s));
  return WithErrorInfo(absl::FailedPreconditionError(absl::StrCat(
                           "service request ", r.id(), " is ", v1::RequestStatus_Name(r.status()),
                           ": it can be ", step, " only when ", absl::StrJoin(names, " or "))),
                       "STATUS_STEP_NOT_ALLOWED", {{"status", v1::RequestStatus_Name(r.status())}},
                       absl::StrCat("service_request/", r.id()));
}

// The resolution clock resumes: the pause's working time is added to the
// facts (its deadline moves by as much).
void Resume(StepChange& change) {
  if (!change.facts.paused_since) return;
  change.facts.paused += change.calendar.WorkingTimeBetween(*change.facts.paused_since, change.now);
  change.facts.paused_since.reset();
}

// Back in progress after a resolution: the clock resumes, the reopen is
// counted, and a new resolution will need a new return visit.
void Reopen(StepChange& change) {
  Resume(change);
  change.request.set_status(v1::IN_PROGRESS);
  change.request.set_reopen_count(change.request.reopen_count() + 1);
  change.request.set_return_visit_satisfied(false);
}

template <typename Response, typename Row>
void SetNextToken(const PageRequest& page, const Page<Row>& listed, Response* response,
                  const std::vector<std::string>& last) {
  response->set_next_page_token(page.NextToken(listed.has_more, last));
}

}  // namespace

absl::Status ServiceRequestHandlers::CreateServiceRequest(
    const CallContext& call, const v1::CreateServiceRequestRequest& request,
    ServiceRequest* response) {
  CRM_RETURN_IF_ERROR(ValidateRequestId(request.request_id()));
  if (!request.has_service_request()) return InvalidField("service_request", "is required");
  const ServiceRequest& given = request.service_request();
  ServiceRequest r;  // only what a caller may set
  r.set_type(given.type());
  r.set_priority(given.priority());
  r.set_customer_id(given.customer_id());
  for (const auto& [path, field] : MutableFields()) field.copy(given, r);
  CRM_RETURN_IF_ERROR(ValidateRequest(r));
  CRM_RETURN_IF_ERROR(check_customer_(call, r.customer_id(), r.contact_id()));
  CRM_ASSIGN_OR_RETURN(*response, requests_.Create(call, r, request.request_id()));
  return absl::OkStatus();
}

absl::Status ServiceRequestHandlers::GetServiceRequest(const CallContext& call,
                                                       const v1::GetServiceRequestRequest& request,
                                                       ServiceRequest* response) {
  CRM_RETURN_IF_ERROR(CheckId(request.id()));
  CRM_ASSIGN_OR_RETURN(*response, requests_.Get(call, request.id()));
  return absl::OkStatus();
}

absl::Status ServiceRequestHandlers::UpdateServiceRequest(
    const CallContext& call, const v1::UpdateServiceRequestRequest& request,
    ServiceRequest* response) {
  const ServiceRequest& patch = request.service_request();
  CRM_RETURN_IF_ERROR(CheckId(patch.id(), "service_request.id"));
  CRM_RETURN_IF_ERROR(RequireEtag(patch.etag(), "service_request.etag"));
  ServiceRequest scratch;  // the mask checked before anything is touched
  CRM_RETURN_IF_ERROR(ApplyMask(request.update_mask(), MutableFields(), patch, scratch));
  if (scratch.contact_id() > 0) {
    // The customer is fixed: the new contact can be checked before the update.
    CRM_ASSIGN_OR_RETURN(const ServiceRequest stored, requests_.Get(call, patch.id()));
    CRM_RETURN_IF_ERROR(check_customer_(call, stored.customer_id(), scratch.contact_id()));
  }
  auto change = [&](ServiceRequest& stored) -> absl::Status {
    CRM_RETURN_IF_ERROR(
        RequireStatus(stored, "edited",
                      {v1::CREATED, v1::ASSIGNED, v1::IN_PROGRESS, v1::WAITING_FOR_CUSTOMER,
                       v1::RESOLVED, v1::FEEDBACK_RECEIVED}));
    CRM_RETURN_IF_ERROR(ApplyMask(request.update_mask(), MutableFields(), patch, stored));
    return ValidateRequest(stored);
  };
  CRM_ASSIGN_OR_RETURN(*response, requests_.Update(call, patch.id(), patch.etag(), change));
  return absl::OkStatus();
}

absl::Status ServiceRequestHandlers::ListServiceRequests(
    const CallContext& call, const v1::ListServiceRequestsRequest& request,
    v1::ListServiceRequestsResponse* response) {
  FieldViolations v;
  if (request.customer_id() < 0) v.Add("customer_id", "must be a customer id, or 0 for all");
  if (request.handler_employee_id() < 0) {
    v.Add("handler_employee_id", "must be an employee id, or 0 for all");
  }
  if (!v1::RequestStatus_IsValid(request.status())) v.Add("status", "is not a request status");
  if (!v1::RequestType_IsValid(request.type())) v.Add("type", "is not a request type");
  CRM_ASSIGN_OR_RETURN(PageRequest page,
                       PageRequest::ForRequest(request, "service_requests", {}, &v));
  CRM_ASSIGN_OR_RETURN(auto after, (page.After<int64_t>()));
  std::optional<int64_t> before_id;
  if (after) before_id = std::get<0>(*after);
  const ServiceRequestFilter filter{request.customer_id(), request.handler_employee_id(),
                                    request.status(), request.type()};
  CRM_ASSIGN_OR_RETURN(Page<ServiceRequest> listed,
                       requests_.List(call, filter, page.size(), before_id));
  for (ServiceRequest& r : listed.rows) *response->add_service_requests() = std::move(r);
  response->set_total_size(listed.total_size);
  if (listed.has_more) {
    SetNextToken(page, listed, response,
                 {absl::StrCat(response->service_requests().rbegin()->id())});
  }
  return absl::OkStatus();
}

absl::Status ServiceRequestHandlers::RunStep(const CallContext& call,
                                             const v1::ServiceRequestStepRequest& request,
                                             bool note_required, const Step& step,
                                             ServiceRequest* response) {
  FieldViolations v;
  if (request.id() <= 0) v.Add("id", "must be a positive service request id");
  CheckText(v, "note", request.note(), kNoteChars,
            note_required ? Presence::kRequired : Presence::kOptional);
  CRM_RETURN_IF_ERROR(v.ToStatus());
  CRM_ASSIGN_OR_RETURN(
      *response, requests_.ApplyStep(call, request.id(), request.etag(), request.note(), step));
  return absl::OkStatus();
}

absl::Status ServiceRequestHandlers::AssignServiceRequest(
    const CallContext& call, const v1::AssignServiceRequestRequest& request,
    ServiceRequest* response) {
  FieldViolations v;
  if (request.id() <= 0) v.Add("id", "must be a positive service request id");
  if (request.handler_employee_id() <= 0) {
    v.Add("handler_employee_id", "must be a positive employee id");
  }
  CheckText(v, "note", request.note(), kNoteChars, Presence::kOptional);
  CRM_RETURN_IF_ERROR(v.ToStatus());
  absl::StatusOr<Owner> handler = find_handler_(call, request.handler_employee_id());
  if (absl::IsNotFound(handler.status())) {
    return InvalidField("handler_employee_id",
                        absl::StrCat("no employee ", request.handler_employee_id()));
  }
  if (!handler.ok()) return handler.status();
  auto step = [&](StepChange& change) -> absl::Status {
    ServiceRequest& r = change.request;
    CRM_RETURN_IF_ERROR(RequireStatus(
        r, "assigned", {v1::CREATED, v1::ASSIGNED, v1::IN_PROGRESS, v1::WAITING_FOR_CUSTOMER}));
    if (r.handler_employee_id() == handler->employee_id) return absl::OkStatus();
    r.set_handler_employee_id(handler->employee_id);
    r.set_owner_employee_id(handler->employee_id);
    r.set_owner_department_id(handler->department_id);
    if (r.status() == v1::CREATED) r.set_status(v1::ASSIGNED);
    change.new_owner = *handler;
    return absl::OkStatus();
  };
  CRM_ASSIGN_OR_RETURN(
      *response, requests_.ApplyStep(call, request.id(), request.etag(), request.note(), step));
  return absl::OkStatus();
}

absl::Status ServiceRequestHandlers::StartServiceRequest(
    const CallContext& call, const v1::ServiceRequestStepRequest& request,
    ServiceRequest* response) {
  return RunStep(
      call, request, false,
      [](StepChange& change) -> absl::Status {
        CRM_RETURN_IF_ERROR(
            RequireStatus(change.request, "started", {v1::ASSIGNED, v1::WAITING_FOR_CUSTOMER}));
        if (!change.facts.responded) change.facts.responded = change.now;  // first response
        Resume(change);
        change.request.set_status(v1::IN_PROGRESS);
        return absl::OkStatus();
      },
      response);
}

absl::Status ServiceRequestHandlers::WaitForCustomer(const CallContext& call,
                                                     const v1::ServiceRequestStepRequest& request,
                                                     ServiceRequest* response) {
  return RunStep(
      call, request, false,
      [](StepChange& change) -> absl::Status {
        CRM_RETURN_IF_ERROR(
            RequireStatus(change.request, "set waiting for the customer", {v1::IN_PROGRESS}));
        change.facts.paused_since = change.now;
        change.request.set_status(v1::WAITING_FOR_CUSTOMER);
        return absl::OkStatus();
      },
      response);
}

absl::Status ServiceRequestHandlers::ResolveServiceRequest(
    const CallContext& call, const v1::ServiceRequestStepRequest& request,
    ServiceRequest* response) {
  return RunStep(
      call, request, true,
      [&request](StepChange& change) -> absl::Status {
        CRM_RETURN_IF_ERROR(RequireStatus(change.request, "resolved", {v1::IN_PROGRESS}));
        change.facts.paused_since = change.now;  // the resolution clock stops
        change.request.set_status(v1::RESOLVED);
        change.request.set_resolution(request.note());
        change.request.set_return_visit_satisfied(false);  // a new resolution, a new visit
        return absl::OkStatus();
      },
      response);
}

absl::Status ServiceRequestHandlers::ReopenServiceRequest(
    const CallContext& call, const v1::ServiceRequestStepRequest& request,
    ServiceRequest* response) {
  return RunStep(
      call, request, true,
      [](StepChange& change) -> absl::Status {
        CRM_RETURN_IF_ERROR(RequireStatus(change.request, "reopened", {v1::RESOLVED}));
        Reopen(change);
        return absl::OkStatus();
      },
      response);
}

absl::Status ServiceRequestHandlers::RecordCustomerFeedback(
    const CallContext& call, const v1::RecordCustomerFeedbackRequest& request,
    ServiceRequest* response) {
  FieldViolations v;
  if (request.id() <= 0) v.Add("id", "must be a positive service request id");
  if (request.satisfaction() < 1 || request.satisfaction() > 5) {
    v.Add("satisfaction", "must be from 1 (very dissatisfied) to 5 (very satisfied)");
  }
  CheckText(v, "comment", request.comment(), kNoteChars, Presence::kOptional);
  CRM_RETURN_IF_ERROR(v.ToStatus());
  auto step = [&request](StepChange& change) -> absl::Status {
    CRM_RETURN_IF_ERROR(
        RequireStatus(change.request, "given the customer's feedback", {v1::RESOLVED}));
    const v1::ServiceRequest& r = change.request;
    if (r.type() == v1::COMPLAINT && !r.return_visit_satisfied()) {
      return WithErrorInfo(
          absl::FailedPreconditionError(
              absl::StrCat("complaint ", r.id(),
                           " closes only after a return visit in which the customer is satisfied")),
          "RETURN_VISIT_REQUIRED", {}, absl::StrCat("service_request/", r.id()));
    }
    change.request.set_status(v1::FEEDBACK_RECEIVED);
    change.request.set_satisfaction(request.satisfaction());
    change.request.set_feedback_comment(request.comment());
    return absl::OkStatus();
  };
  CRM_ASSIGN_OR_RETURN(
      *response, requests_.ApplyStep(call, request.id(), request.etag(), request.comment(), step));
  return absl::OkStatus();
}

absl::Status ServiceRequestHandlers::ArchiveServiceRequest(
    const CallContext& call, const v1::ServiceRequestStepRequest& request,
    ServiceRequest* response) {
  return RunStep(
      call, request, false,
      [](StepChange& change) -> absl::Status {
        CRM_RETURN_IF_ERROR(RequireStatus(change.request, "archived", {v1::FEEDBACK_RECEIVED}));
        change.request.set_status(v1::ARCHIVED);
        return absl::OkStatus();
      },
      response);
}

absl::Status ServiceRequestHandlers::RecordReturnVisit(const CallContext& call,
                                                       const v1::RecordReturnVisitRequest& request,
                                                       ServiceRequest* response) {
  CRM_RETURN_IF_ERROR(ValidateRequestId(request.request_id()));
  v1::ReturnVisit visit = request.visit();
  const absl::CivilDay today = absl::ToCivilDay(call.Now(), zone_);
  if (visit.visit_date().empty()) visit.set_visit_date(FormatIsoDate(today));
  FieldViolations v;
  if (visit.service_request_id() <= 0) {
    v.Add("visit.service_request_id", "must be a positive service request id");
  }
  absl::StatusOr<absl::CivilDay> day = ParseIsoDate(visit.visit_date());
  if (!day.ok()) {
    v.Add("visit.visit_date", "must be a date, YYYY-MM-DD");
  } else if (*day > today) {
    v.Add("visit.visit_date", "must not be in the future");
  }
  if (visit.method() == v1::VISIT_METHOD_UNSPECIFIED || !v1::VisitMethod_IsValid(visit.method())) {
    v.Add("visit.method", "must be PHONE_CALL, ON_SITE, MESSAGE or EMAIL_MESSAGE");
  }
  CheckText(v, "visit.customer_response", visit.customer_response(), 2000, Presence::kRequired,
            /*multiline=*/true);
  CRM_RETURN_IF_ERROR(v.ToStatus());
  auto step = [&visit](StepChange& change) -> absl::Status {
    CRM_RETURN_IF_ERROR(RequireStatus(change.request, "given a return visit", {v1::RESOLVED}));
    change.request.set_return_visit_count(change.request.return_visit_count() + 1);
    if (visit.satisfied()) {
      change.request.set_return_visit_satisfied(true);
    } else {
      Reopen(change);  // the customer is not satisfied: back to work
    }
    return absl::OkStatus();
  };
  // The event's note says what the customer said, and so why a reopen happened.
  const std::string note =
      TruncateUtf8(absl::StrCat(visit.satisfied() ? "回访满意：" : "回访不满意，重新处理：",
                                visit.customer_response()),
                   kNoteChars);
  CRM_ASSIGN_OR_RETURN(*response, requests_.RecordReturnVisit(call, visit, request.etag(),
                                                              request.request_id(), note, step));
  return absl::OkStatus();
}

absl::Status ServiceRequestHandlers::ListReturnVisits(const CallContext& call,
                                                      const v1::ListReturnVisitsRequest& request,
                                                      v1::ListReturnVisitsResponse* response) {
  CRM_RETURN_IF_ERROR(CheckId(request.service_request_id(), "service_request_id"));
  CRM_ASSIGN_OR_RETURN(std::vector<v1::ReturnVisit> visits,
                       requests_.ReturnVisits(call, request.service_request_id()));
  for (v1::ReturnVisit& visit : visits) *response->add_visits() = std::move(visit);
  return absl::OkStatus();
}

absl::Status ServiceRequestHandlers::ListServiceRequestEvents(
    const CallContext& call, const v1::ListServiceRequestEventsRequest& request,
    v1::ListServiceRequestEventsResponse* response) {
  FieldViolations v;
  if (request.service_request_id() <= 0) {
    v.Add("service_request_id", "must be a positive service request id");
  }
  CRM_ASSIGN_OR_RETURN(PageRequest page,
                       PageRequest::ForRequest(request, "service_request_events", {}, &v));
  CRM_ASSIGN_OR_RETURN(auto after, (page.After<int64_t>()));
  std::optional<int64_t> after_id;
  if (after) after_id = std::get<0>(*after);
  CRM_ASSIGN_OR_RETURN(Page<v1::ServiceRequestEvent> listed,
                       requests_.Events(call, request.service_request_id(), page.size(), after_id));
  for (v1::ServiceRequestEvent& e : listed.rows) *response->add_events() = std::move(e);
  response->set_total_size(listed.total_size);
  if (listed.has_more) {
    SetNextToken(page, listed, response, {absl::StrCat(response->events().rbegin()->id())});
  }
  return absl::OkStatus();
}

absl::Status ServiceRequestHandlers::ListSla(const CallContext& call, SlaList which,
                                             const v1::ListSlaRequestsRequest& request,
                                             v1::ListSlaRequestsResponse* response) {
  FieldViolations v;
  if (request.department_id() < 0) v.Add("department_id", "must be a department id, or 0");
  CRM_ASSIGN_OR_RETURN(
      PageRequest page,
      PageRequest::ForRequest(request, which == SlaList::kOverdue ? "overdue" : "at_risk", {}, &v));
  CRM_ASSIGN_OR_RETURN(auto after, (page.After<std::string, int64_t>()));
  std::optional<SlaPosition> position;
  if (after) {
    // The deadline goes back to SQL as a bound value: a time, or the token is bad.
    if (!ParseSqlDateTime(std::get<0>(*after)).ok()) {
      return InvalidField("page_token", "is malformed");
    }
    position = SlaPosition{std::get<0>(*after), std::get<1>(*after)};
  }
  CRM_ASSIGN_OR_RETURN(SlaPage listed, requests_.ListSla(call, which, request.department_id(),
                                                         page.size(), position));
  for (ServiceRequest& r : listed.page.rows) *response->add_service_requests() = std::move(r);
  response->set_total_size(listed.page.total_size);
  if (listed.page.has_more) {
    SetNextToken(
        page, listed.page, response,
        {listed.last_breach_at, absl::StrCat(response->service_requests().rbegin()->id())});
  }
  return absl::OkStatus();
}

absl::Status ServiceRequestHandlers::ListOverdue(const CallContext& call,
                                                 const v1::ListSlaRequestsRequest& request,
                                                 v1::ListSlaRequestsResponse* response) {
  return ListSla(call, SlaList::kOverdue, request, response);
}

absl::Status ServiceRequestHandlers::ListAtRisk(const CallContext& call,
                                                const v1::ListSlaRequestsRequest& request,
                                                v1::ListSlaRequestsResponse* response) {
  return ListSla(call, SlaList::kAtRisk, request, response);
}

absl::Status ServiceRequestHandlers::ListMyEscalations(const CallContext& call,
                                                       const v1::ListMyEscalationsRequest& request,
                                                       v1::ListMyEscalationsResponse* response) {
  CRM_ASSIGN_OR_RETURN(PageRequest page, PageRequest::ForRequest(request, "my_escalations"));
  CRM_ASSIGN_OR_RETURN(auto after, (page.After<int64_t>()));
  std::optional<int64_t> before_id;
  if (after) before_id = std::get<0>(*after);
  CRM_ASSIGN_OR_RETURN(Page<v1::Escalation> listed,
                       requests_.MyEscalations(call, page.size(), before_id));
  for (v1::Escalation& e : listed.rows) *response->add_escalations() = std::move(e);
  if (listed.has_more) {
    SetNextToken(page, listed, response, {absl::StrCat(response->escalations().rbegin()->id())});
  }
  return absl::OkStatus();
}

}  // namespace crm::feedback
