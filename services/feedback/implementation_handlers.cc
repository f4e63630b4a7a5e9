// ImplementationHandlers: the implementation record field rules.
#include "services/feedback/implementation_handlers.h"

#include <set>

#include "absl/strings/str_cat.h"
#include "common/base/dates.h"
#include "common/base/status_util.h"
#include "common/db/record_helpers.h"
#include "common/rpc/paging.h"
#include "common/rpc/update_mask.h"
#include "common/text/text_checks.h"

namespace crm::feedback {
namespace {

using v1::ImplementationRecord;

const MaskFields<ImplementationRecord>& MutableFields() {
  using M = ImplementationRecord;
  static const auto* fields = new MaskFields<M>{
      {"project", TextField(&M::project, &M::mutable_project)},
      {"start_date", VerbatimTextField(&M::start_date, &M::mutable_start_date)},
      {"end_date", VerbatimTextField(&M::end_date, &M::mutable_end_date)},
      {"implementer_employee_ids",
       {[](const M& from, M& to) {
          *to.mutable_implementer_employee_ids() = from.implementer_employee_ids();
        },
        [](const M& m) { return !m.implementer_employee_ids().empty(); }}},
      {"work_done", VerbatimTextField(&M::work_done, &M::mutable_work_done)},
      {"summary", VerbatimTextField(&M::summary, &M::mutable_summary)},
      {"open_issues", VerbatimTextField(&M::open_issues, &M::mutable_open_issues)},
  };
  return *fields;
}

absl::Status ValidateRecord(const ImplementationRecord& m) {
  FieldViolations v;
  if (m.customer_id() <= 0) v.Add("record.customer_id", "must be a positive customer id");
  CheckText(v, "record.project", m.project(), 200, Presence::kRequired);
  absl::StatusOr<absl::CivilDay> start = ParseIsoDate(m.start_date());
  if (!start.ok()) v.Add("record.start_date", "must be a date, YYYY-MM-DD");
  if (!m.end_date().empty()) {
    absl::StatusOr<absl::CivilDay> end = ParseIsoDate(m.end_date());
    if (!end.ok()) {
      v.Add("record.end_date", "must be a date, YYYY-MM-DD, or empty");
    } else if (start.ok() && *end < *start) {
      v.Add("record.end_date", "must not be before start_date");
    }
  }
  const auto& implementers = m.implementer_employee_ids();
  std::set<int64_t> distinct(implementers.begin(), implementers.end());
  if (implementers.empty() || implementers.size() > 20 ||
      distinct.size() != static_cast<size_t>(implementers.size()) || *distinct.begin() <= 0) {
    v.Add("record.implementer_employee_ids", "must name 1 to 20 distinct employee ids");
  }
  CheckText(v, "record.work_done", m.work_done(), 10000, Presence::kRequired, true);
  CheckText(v, "record.summary", m.summary(), 5000, Presence::kOptional, true);
  CheckText(v, "record.open_issues", m.open_issues(), 5000, Presence::kOptional, true);
  return v.ToStatus();
}

}  // namespace

absl::Status ImplementationHandlers::CreateImplementationRecord(
    const CallContext& call, const v1::CreateImplementationRecordRequest& request,
    ImplementationRecord* response) {
  CRM_RETURN_IF_ERROR(ValidateRequestId(request.request_id()));
  ImplementationRecord m;  // only what a caller may set
  m.set_customer_id(request.record().customer_id());
  for (const auto& [path, field] : MutableFields()) field.copy(request.record(), m);
  CRM_RETURN_IF_ERROR(ValidateRecord(m));
  CRM_RETURN_IF_ERROR(check_customer_(call, m.customer_id(), 0));
  CRM_ASSIGN_OR_RETURN(*response, records_.Create(call, m, request.request_id()));
  return absl::OkStatus();
}

absl::Status ImplementationHandlers::GetImplementationRecord(
    const CallContext& call, const v1::GetImplementationRecordRequest& request,
    ImplementationRecord* response) {
  if (request.id() <= 0) return InvalidField("id", "must be a positive implementation record id");
  CRM_ASSIGN_OR_RETURN(*response, records_.Get(call, request.id()));
  return absl::OkStatus();
}

absl::Status ImplementationHandlers::UpdateImplementationRecord(
    const CallContext& call, const v1::UpdateImplementationRecordRequest& request,
    ImplementationRecord* response) {
  const ImplementationRecord& patch = request.record();
  if (patch.id() <= 0) {
    return InvalidField("record.id", "must be a positive implementation record id");
  }
  CRM_RETURN_IF_ERROR(RequireEtag(patch.etag(), "record.etag"));
  ImplementationRecord scratch;  // the mask checked before anything is touched
  CRM_RETURN_IF_ERROR(ApplyMask(request.update_mask(), MutableFields(), patch, scratch));
  auto change = [&](ImplementationRecord& stored) -> absl::Status {
    CRM_RETURN_IF_ERROR(ApplyMask(request.update_mask(), MutableFields(), patch, stored));
    return ValidateRecord(stored);
  };
  CRM_ASSIGN_OR_RETURN(*response, records_.Update(call, patch.id(), patch.etag(), change));
  return absl::OkStatus();
}

absl::Status ImplementationHandlers::ListImplementationRecords(
    const CallContext& call, const v1::ListImplementationRecordsRequest& request,
    v1::ListImplementationRecordsResponse* response) {
  FieldViolations v;
  if (request.customer_id() < 0) v.Add("customer_id", "must be a customer id, or 0 for all");
  CheckText(v, "project", request.project(), 200, Presence::kOptional);
  CRM_ASSIGN_OR_RETURN(PageRequest page,
                       PageRequest::ForRequest(request, "implementation_records", {}, &v));
  CRM_ASSIGN_OR_RETURN(auto after, (page.After<std::string, int64_t>()));
  std::optional<ImplementationPosition> position;
  if (after) position = ImplementationPosition{std::get<0>(*after), std::get<1>(*after)};
  CRM_ASSIGN_OR_RETURN(
      Page<ImplementationRecord> listed,
      records_.List(call, request.customer_id(), request.project(), page.size(), position));
  for (ImplementationRecord& m : listed.rows) *response->add_records() = std::move(m);
  response->set_total_size(listed.total_size);
  if (listed.has_more) {
    const ImplementationRecord& last = *response->records().rbegin();
    response->set_next_page_token(
        page.NextToken(true, {last.start_date(), absl::StrCat(last.id())}));
  }
  return absl::OkStatus();
}

}  // namespace crm::feedback
