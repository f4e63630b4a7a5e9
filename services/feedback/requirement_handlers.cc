// RequirementHandlers: field rules and the status steps.
#include "services/feedback/requirement_handlers.h"

#include <map>
#include <set>
#include <utility>

#include "absl/strings/str_cat.h"
#include "common/base/dates.h"
#include "common/base/status_util.h"
#include "common/db/record_helpers.h"
#include "common/rpc/paging.h"
#include "common/rpc/update_mask.h"
#include "common/text/text_checks.h"

namespace crm::feedback {
namespace {

using v1::Requirement;
using v1::RequirementStatus;

const MaskFields<Requirement>& MutableFields() {
  static const auto* fields = new MaskFields<Requirement>{
      {"title", TextField(&Requirement::title, &Requirement::mutable_title)},
      {"description",
       VerbatimTextField(&Requirement::description, &Requirement::mutable_description)},
      {"status", ScalarField(&Requirement::status, &Requirement::set_status)},
      {"responsible_employee_id", ScalarField(&Requirement::responsible_employee_id,
                                              &Requirement::set_responsible_employee_id)},
      {"handling_opinion",
       VerbatimTextField(&Requirement::handling_opinion, &Requirement::mutable_handling_opinion)},
  };
  return *fields;
}

absl::Status ValidateRequirement(const Requirement& q) {
  FieldViolations v;
  CheckText(v, "requirement.title", q.title(), 200, Presence::kRequired);
  CheckText(v, "requirement.description", q.description(), 5000, Presence::kOptional,
            /*multiline=*/true);
  if (!v1::RequirementStatus_IsValid(q.status()) ||
      q.status() == v1::REQUIREMENT_STATUS_UNSPECIFIED) {
    v.Add("requirement.status", "must be a requirement status");
  }
  if (q.responsible_employee_id() < 0) {
    v.Add("requirement.responsible_employee_id", "must be an employee id, or 0 for nobody");
  }
  CheckText(v, "requirement.handling_opinion", q.handling_opinion(), 2000, Presence::kOptional,
            /*multiline=*/true);
  return v.ToStatus();
}

// The steps the library allows (requirement.proto).
bool StepAllowed(RequirementStatus from, RequirementStatus to) {
  static const auto* steps = new std::set<std::pair<RequirementStatus, RequirementStatus>>{
      {v1::NEW, v1::UNDER_REVIEW},      {v1::UNDER_REVIEW, v1::ACCEPTED},
      {v1::UNDER_REVIEW, v1::REJECTED}, {v1::ACCEPTED, v1::SCHEDULED},
      {v1::SCHEDULED, v1::DELIVERED},   {v1::REJECTED, v1::UNDER_REVIEW}};
  return from == to || steps->count({from, to}) > 0;
}

}  // namespace

absl::Status RequirementHandlers::CreateRequirement(const CallContext& call,
                                                    const v1::CreateRequirementRequest& request,
                                                    Requirement* response) {
  CRM_RETURN_IF_ERROR(ValidateRequestId(request.request_id()));
  Requirement q;
  for (const auto& [path, field] : MutableFields()) field.copy(request.requirement(), q);
  q.set_status(v1::NEW);
  CRM_RETURN_IF_ERROR(ValidateRequirement(q));
  CRM_ASSIGN_OR_RETURN(*response, requirements_.Create(call, q, request.request_id()));
  return absl::OkStatus();
}

absl::Status RequirementHandlers::GetRequirement(const CallContext& call,
                                                 const v1::GetRequirementRequest& request,
                                                 Requirement* response) {
  if (request.id() <= 0) return InvalidField("id", "must be a positive requirement id");
  CRM_ASSIGN_OR_RETURN(*response, requirements_.Get(call, request.id()));
  return absl::OkStatus();
}

absl::Status RequirementHandlers::UpdateRequirement(const CallContext& call,
                                                    const v1::UpdateRequirementRequest& request,
                                                    Requirement* response) {
  const Requirement& patch = request.requirement();
  if (patch.id() <= 0) return InvalidField("requirement.id", "must be a positive requirement id");
  CRM_RETURN_IF_ERROR(RequireEtag(patch.etag(), "requirement.etag"));
  Requirement scratch;  // the mask checked before anything is touched
  CRM_RETURN_IF_ERROR(ApplyMask(request.update_mask(), MutableFields(), patch, scratch));
  auto change = [&](Requirement& stored) -> absl::Status {
    const RequirementStatus from = stored.status();
    CRM_RETURN_IF_ERROR(ApplyMask(request.update_mask(), MutableFields(), patch, stored));
    CRM_RETURN_IF_ERROR(ValidateRequirement(stored));
    if (!StepAllowed(from, stored.status())) {
      return WithErrorInfo(
          absl::FailedPreconditionError(
              absl::StrCat("requirement ", stored.id(), " is ", v1::RequirementStatus_Name(from),
                           ": it cannot become ", v1::RequirementStatus_Name(stored.status()))),
          "STATUS_STEP_NOT_ALLOWED", {{"status", v1::RequirementStatus_Name(from)}},
          absl::StrCat("requirement/", stored.id()));
    }
    return absl::OkStatus();
  };
  CRM_ASSIGN_OR_RETURN(*response, requirements_.Update(call, patch.id(), patch.etag(), change));
  return absl::OkStatus();
}

absl::Status RequirementHandlers::ListRequirements(const CallContext& call,
                                                   const v1::ListRequirementsRequest& request,
                                                   v1::ListRequirementsResponse* response) {
  FieldViolations v;
  if (!v1::RequirementStatus_IsValid(request.status())) v.Add("status", "is not a status");
  CRM_ASSIGN_OR_RETURN(PageRequest page, PageRequest::ForRequest(request, "requirements", {}, &v));
  CRM_ASSIGN_OR_RETURN(auto after, (page.After<int64_t>()));
  std::optional<int64_t> before_id;
  if (after) before_id = std::get<0>(*after);
  CRM_ASSIGN_OR_RETURN(Page<Requirement> listed,
                       requirements_.List(call, request.status(), page.size(), before_id));
  for (Requirement& q : listed.rows) *response->add_requirements() = std::move(q);
  response->set_total_size(listed.total_size);
  if (listed.has_more) {
    response->set_next_page_token(
        page.NextToken(true, {absl::StrCat(response->requirements().rbegin()->id())}));
  }
  return absl::OkStatus();
}

absl::Status RequirementHandlers::LinkRequirementRequest(
    const CallContext& call, const v1::LinkRequirementRequestRequest& request,
    v1::RequirementRequest* response) {
  CRM_RETURN_IF_ERROR(ValidateRequestId(request.request_id()));
  const v1::RequirementRequest& r = request.request();
  FieldViolations v;
  if (r.requirement_id() <= 0) v.Add("request.requirement_id", "must be a positive requirement id");
  if (r.customer_id() <= 0) v.Add("request.customer_id", "must be a positive customer id");
  if (r.service_request_id() < 0) {
    v.Add("request.service_request_id", "must be a service request id, or 0 for none");
  }
  CheckText(v, "request.description", r.description(), 2000, Presence::kRequired,
            /*multiline=*/true);
  CRM_RETURN_IF_ERROR(v.ToStatus());
  CRM_RETURN_IF_ERROR(check_customer_(call, r.customer_id(), 0));
  v1::RequirementRequest linked;  // only what a caller may set
  linked.set_requirement_id(r.requirement_id());
  linked.set_customer_id(r.customer_id());
  linked.set_service_request_id(r.service_request_id());
  linked.set_description(r.description());
  CRM_ASSIGN_OR_RETURN(*response, requirements_.Link(call, linked, request.request_id()));
  return absl::OkStatus();
}

absl::Status RequirementHandlers::ListRequirementRequests(
    const CallContext& call, const v1::ListRequirementRequestsRequest& request,
    v1::ListRequirementRequestsResponse* response) {
  if (request.requirement_id() <= 0) {
    return InvalidField("requirement_id", "must be a positive requirement id");
  }
  CRM_ASSIGN_OR_RETURN(std::vector<v1::RequirementRequest> requests,
                       requirements_.Requests(call, request.requirement_id()));
  // Only the customers the caller may see (asked once per customer).
  std::map<int64_t, bool> visible;
  for (v1::RequirementRequest& r : requests) {
    auto [it, first] = visible.emplace(r.customer_id(), false);
    if (first) {
      const absl::Status seen = check_customer_(call, r.customer_id(), 0);
      if (!seen.ok() && !absl::IsNotFound(seen)) return seen;
      it->second = seen.ok();
    }
    if (it->second) *response->add_requests() = std::move(r);
  }
  return absl::OkStatus();
}

absl::Status RequirementHandlers::ListRequirementsForReview(
    const CallContext& call, const v1::ListRequirementsForReviewRequest& request,
    v1::ListRequirementsForReviewResponse* response) {
  absl::CivilDay day = absl::ToCivilDay(call.Now(), zone_);
  if (!request.date().empty()) {
    absl::StatusOr<absl::CivilDay> given = ParseIsoDate(request.date());
    if (!given.ok() || given->year() < 2000 || given->year() > 2100) {
      return InvalidField("date", "must be a date, YYYY-MM-DD, from 2000 to 2100");
    }
    day = *given;
  }
  CRM_ASSIGN_OR_RETURN(RequirementRepository::Review review,
                       requirements_.ReviewOf(call, day, zone_));
  response->set_since_date(FormatIsoDate(review.since));
  for (Requirement& q : review.requirements) *response->add_requirements() = std::move(q);
  return absl::OkStatus();
}

}  // namespace crm::feedback
