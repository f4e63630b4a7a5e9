// ContactRecordHandlers: the contact record field rules and reminders.
#include "services/sales/contact_record_handlers.h"

#include <optional>
#include <string>

#include "absl/strings/str_cat.h"
#include "common/base/dates.h"
#include "common/base/status_util.h"
#include "common/db/record_helpers.h"
#include "common/rpc/paging.h"
#include "common/rpc/update_mask.h"
#include "common/text/text_checks.h"

namespace crm::sales {
namespace {

using v1::ContactRecord;

constexpr int kMaxReminderDays = 92;

const MaskFields<ContactRecord>& MutableFields() {
  static const auto* fields = new MaskFields<ContactRecord>{
      {"contact_date",
       VerbatimTextField(&ContactRecord::contact_date, &ContactRecord::mutable_contact_date)},
      {"contact_id", ScalarField(&ContactRecord::contact_id, &ContactRecord::set_contact_id)},
      {"method", ScalarField(&ContactRecord::method, &ContactRecord::set_method)},
      {"subject", TextField(&ContactRecord::subject, &ContactRecord::mutable_subject)},
      {"content", VerbatimTextField(&ContactRecord::content, &ContactRecord::mutable_content)},
      {"next_step", TextField(&ContactRecord::next_step, &ContactRecord::mutable_next_step)},
      {"reminder_date",
       VerbatimTextField(&ContactRecord::reminder_date, &ContactRecord::mutable_reminder_date)},
  };
  return *fields;
}

// `today`: the company's day now; a contact cannot have happened after it.
absl::Status ValidateRecord(const ContactRecord& r, absl::CivilDay today) {
  FieldViolations v;
  if (r.customer_id() <= 0) v.Add("record.customer_id", "must be a positive customer id");
  if (r.contact_id() < 0) v.Add("record.contact_id", "must be a contact id, or 0 for none");
  if (r.opportunity_id() < 0) {
    v.Add("record.opportunity_id", "must be an opportunity id, or 0 for none");
  }
  if (r.method() == v1::CONTACT_METHOD_UNSPECIFIED || !v1::ContactMethod_IsValid(r.method())) {
    v.Add("record.method", "must be VISIT, PHONE, EMAIL, MEETING, WECHAT or OTHER");
  }
  absl::StatusOr<absl::CivilDay> day = ParseIsoDate(r.contact_date());
  if (!day.ok()) {
    v.Add("record.contact_date", "must be a date, YYYY-MM-DD");
  } else if (*day > today) {
    v.Add("record.contact_date", "must not be in the future");
  }
  if (!r.reminder_date().empty() && !ParseIsoDate(r.reminder_date()).ok()) {
    v.Add("record.reminder_date", "must be a date, YYYY-MM-DD");
  }
  CheckText(v, "record.subject", r.subject(), 200, Presence::kRequired);
  CheckText(v, "record.content", r.content(), 5000, Presence::kOptional, /*multiline=*/true);
  CheckText(v, "record.next_step", r.next_step(), 500, Presence::kOptional);
  return v.ToStatus();
}

}  // namespace

absl::Status ContactRecordHandlers::CreateContactRecord(
    const CallContext& call, const v1::CreateContactRecordRequest& request,
    ContactRecord* response) {
  CRM_RETURN_IF_ERROR(ValidateRequestId(request.request_id()));
  if (!request.has_record()) return InvalidField("record", "is required");
  const absl::CivilDay today = absl::ToCivilDay(call.Now(), zone_);
  ContactRecord r;  // only what a caller may set
  r.set_customer_id(request.record().customer_id());
  r.set_opportunity_id(request.record().opportunity_id());
  for (const auto& [path, field] : MutableFields()) field.copy(request.record(), r);
  if (r.contact_date().empty()) r.set_contact_date(FormatIsoDate(today));
  CRM_RETURN_IF_ERROR(ValidateRecord(r, today));
  CRM_RETURN_IF_ERROR(check_customer_(call, r.customer_id(), r.contact_id()));
  CRM_ASSIGN_OR_RETURN(*response, records_.Create(call, r, request.request_id()));
  return absl::OkStatus();
}

absl::Status ContactRecordHandlers::GetContactRecord(const CallContext& call,
                                                     const v1::GetContactRecordRequest& request,
                                                     ContactRecord* response) {
  if (request.id() <= 0) return InvalidField("id", "must be a positive contact record id");
  CRM_ASSIGN_OR_RETURN(*response, records_.Get(call, request.id()));
  return absl::OkStatus();
}

absl::Status ContactRecordHandlers::UpdateContactRecord(
    const CallContext& call, const v1::UpdateContactRecordRequest& request,
    ContactRecord* response) {
  const ContactRecord& patch = request.record();
  if (patch.id() <= 0) return InvalidField("record.id", "must be a positive contact record id");
  CRM_RETURN_IF_ERROR(RequireEtag(patch.etag(), "record.etag"));
  ContactRecord scratch;  // the mask checked before anything is touched
  CRM_RETURN_IF_ERROR(ApplyMask(request.update_mask(), MutableFields(), patch, scratch));
  if (scratch.contact_id() > 0) {
    // The customer is fixed: the new contact can be checked before the update.
    CRM_ASSIGN_OR_RETURN(const ContactRecord stored, records_.Get(call, patch.id()));
    CRM_RETURN_IF_ERROR(check_customer_(call, stored.customer_id(), scratch.contact_id()));
  }
  const absl::CivilDay today = absl::ToCivilDay(call.Now(), zone_);
  auto change = [&](ContactRecord& stored) -> absl::Status {
    CRM_RETURN_IF_ERROR(ApplyMask(request.update_mask(), MutableFields(), patch, stored));
    return ValidateRecord(stored, today);
  };
  CRM_ASSIGN_OR_RETURN(*response, records_.Update(call, patch.id(), patch.etag(), change));
  return absl::OkStatus();
}

absl::Status ContactRecordHandlers::ListContactRecords(const CallContext& call,
                                                       const v1::ListContactRecordsRequest& request,
                                                       v1::ListContactRecordsResponse* response) {
  FieldViolations v;
  if (request.customer_id() < 0) v.Add("customer_id", "must be a customer id, or 0 for all");
  if (request.owner_employee_id() < 0) {
    v.Add("owner_employee_id", "must be an employee id, or 0 for all");
  }
  if (request.opportunity_id() < 0) v.Add("opportunity_id", "must be an opportunity id, or 0");
  for (auto [field, date] :
       {std::pair<const char*, const std::string*>{"from_date", &request.from_date()},
        {"to_date", &request.to_date()}}) {
    if (!date->empty() && !ParseIsoDate(*date).ok()) v.Add(field, "must be a date, YYYY-MM-DD");
  }
  CRM_ASSIGN_OR_RETURN(PageRequest page,
                       PageRequest::ForRequest(request, "contact_records", {}, &v));
  CRM_ASSIGN_OR_RETURN(auto after, (page.After<std::string, int64_t>()));
  std::optional<ContactRecordPosition> position;
  if (after) position = ContactRecordPosition{std::get<0>(*after), std::get<1>(*after)};
  const ContactRecordFilter filter{request.customer_id(), request.owner_employee_id(),
                                   request.opportunity_id(), request.from_date(),
                                   request.to_date()};
  CRM_ASSIGN_OR_RETURN(Page<ContactRecord> listed,
                       records_.List(call, filter, page.size(), position));
  for (ContactRecord& r : listed.rows) *response->add_records() = std::move(r);
  response->set_total_size(listed.total_size);
  if (listed.has_more) {
    const ContactRecord& last = response->records(response->records_size() - 1);
    response->set_next_page_token(
        page.NextToken(listed.has_more, {last.contact_date(), absl::StrCat(last.id())}));
  }
  return absl::OkStatus();
}

absl::Status ContactRecordHandlers::ListMyReminders(const CallContext& call,
                                                    const v1::ListMyRemindersRequest& request,
                                                    v1::ListMyRemindersResponse* response) {
  FieldViolations v;
  absl::StatusOr<absl::CivilDay> from = ParseIsoDate(request.from_date());
  absl::StatusOr<absl::CivilDay> to = ParseIsoDate(request.to_date());
  if (!from.ok()) v.Add("from_date", "must be a date, YYYY-MM-DD");
  if (!to.ok()) v.Add("to_date", "must be a date, YYYY-MM-DD");
  if (from.ok() && to.ok() && (*to < *from || *to - *from >= kMaxReminderDays)) {
    v.Add("to_date",
          absl::StrCat("must be from_date or later, at most ", kMaxReminderDays, " days in all"));
  }
  CRM_RETURN_IF_ERROR(v.ToStatus());
  if (call.caller.employee_id == 0) return absl::OkStatus();  // owns nothing
  CRM_ASSIGN_OR_RETURN(std::vector<v1::Reminder> reminders,
                       records_.Reminders(call, request.from_date(), request.to_date()));
  for (v1::Reminder& r : reminders) *response->add_reminders() = std::move(r);
  return absl::OkStatus();
}

}  // namespace crm::sales
