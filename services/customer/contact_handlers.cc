// ContactHandlers.
#include "services/customer/contact_handlers.h"

#include <optional>
#include <string>
#include <tuple>
#include <vector>

#include "absl/strings/str_cat.h"
#include "common/base/dates.h"
#include "common/base/status_util.h"
#include "common/db/record_helpers.h"
#include "common/rpc/paging.h"
#include "common/text/text_checks.h"
#include "services/customer/contact_validation.h"
#include "services/customer/customer_validation.h"

namespace crm::customer {
namespace {

constexpr PageLimits kReminderPages{/*default_size=*/100, /*max_size=*/500};
constexpr int kMaxDaysAhead = 366;

absl::Status CheckContactId(int64_t id, const char* field) {
  return id > 0 ? absl::OkStatus() : InvalidField(field, "must be a positive contact id");
}

// A contact without an owner is looked after by whoever writes it.
void DefaultOwner(const CallContext& call, v1::Contact& contact) {
  if (contact.owner_id() == 0) contact.set_owner_id(call.caller.employee_id);
}

}  // namespace

absl::Status ContactHandlers::CreateContact(const CallContext& call,
                                            const v1::CreateContactRequest& request,
                                            v1::Contact* response) {
  CRM_RETURN_IF_ERROR(ValidateRequestId(request.request_id()));
  if (!request.has_contact()) return InvalidField("contact", "is required");
  v1::Contact contact = request.contact();
  PrepareContactForCreate(contact);
  DefaultOwner(call, contact);
  CRM_RETURN_IF_ERROR(ValidateContact(contact, "contact"));
  CRM_ASSIGN_OR_RETURN(*response, repository_.Create(call, contact, request.request_id()));
  return absl::OkStatus();
}

absl::Status ContactHandlers::GetContact(const CallContext& call,
                                         const v1::GetContactRequest& request,
                                         v1::Contact* response) {
  CRM_RETURN_IF_ERROR(CheckContactId(request.id(), "id"));
  CRM_ASSIGN_OR_RETURN(*response, repository_.Get(call, request.id()));
  return absl::OkStatus();
}

absl::Status ContactHandlers::UpdateContact(const CallContext& call,
                                            const v1::UpdateContactRequest& request,
                                            v1::Contact* response) {
  const v1::Contact& patch = request.contact();
  CRM_RETURN_IF_ERROR(CheckContactId(patch.id(), "contact.id"));
  CRM_RETURN_IF_ERROR(RequireEtag(patch.etag(), "contact.etag"));
  // Check the mask before touching the database, so a bad one costs nothing.
  v1::Contact scratch;
  CRM_RETURN_IF_ERROR(ApplyContactMask(request.update_mask(), patch, scratch));
  auto change = [&](v1::Contact& stored) -> absl::Status {
    CRM_RETURN_IF_ERROR(ApplyContactMask(request.update_mask(), patch, stored));
    DefaultOwner(call, stored);
    return ValidateContact(stored, "contact");
  };
  CRM_ASSIGN_OR_RETURN(*response, repository_.Update(call, patch.id(), patch.etag(), change));
  return absl::OkStatus();
}

absl::Status ContactHandlers::DeleteContact(const CallContext& call,
                                            const v1::DeleteContactRequest& request,
                                            google::protobuf::Empty*) {
  CRM_RETURN_IF_ERROR(CheckContactId(request.id(), "id"));
  return repository_.Delete(call, request.id(), request.etag());
}

absl::Status ContactHandlers::ListContacts(const CallContext& call,
                                           const v1::ListContactsRequest& request,
                                           v1::ListContactsResponse* response) {
  const std::string name = TrimText(request.name());
  FieldViolations v;
  if (request.customer_id() < 0) v.Add("customer_id", "must be a positive customer id");
  CheckText(v, "name", name, 100, Presence::kOptional);
  CRM_ASSIGN_OR_RETURN(
      PageRequest page,
      PageRequest::Parse(request, {"contacts", absl::StrCat(request.customer_id()), name}, {}, &v));
  CRM_ASSIGN_OR_RETURN(auto after, (page.After<int64_t, int, int64_t>()));  // customer, primary, id
  std::optional<ContactPosition> position;
  if (after) {
    position = ContactPosition{std::get<0>(*after), std::get<1>(*after) != 0, std::get<2>(*after)};
  }
  CRM_ASSIGN_OR_RETURN(ContactPage listed,
                       repository_.List(call, request.customer_id(), name, page.size(), position));
  for (v1::Contact& c : listed.contacts) *response->add_contacts() = std::move(c);
  response->set_total_size(listed.total_size);
  if (listed.has_more) {
    const v1::Contact& last = response->contacts(response->contacts_size() - 1);
    response->set_next_page_token(page.NextToken(
        listed.has_more,
        {absl::StrCat(last.customer_id()), last.primary() ? "1" : "0", absl::StrCat(last.id())}));
  }
  return absl::OkStatus();
}

absl::Status ContactHandlers::SetPrimaryContact(const CallContext& call,
                                                const v1::SetPrimaryContactRequest& request,
                                                v1::Contact* response) {
  CRM_RETURN_IF_ERROR(CheckContactId(request.contact_id(), "contact_id"));
  CRM_ASSIGN_OR_RETURN(*response, repository_.SetPrimary(call, request.contact_id()));
  return absl::OkStatus();
}

absl::Status ContactHandlers::ListCareReminders(const CallContext& call,
                                                const v1::ListCareRemindersRequest& request,
                                                v1::ListCareRemindersResponse* response) {
  return ListCareRemindersOn(call, request, absl::ToCivilDay(call.Now(), zone_), response);
}

absl::Status ContactHandlers::ListCareRemindersOn(const CallContext& call,
                                                  const v1::ListCareRemindersRequest& request,
                                                  absl::CivilDay today,
                                                  v1::ListCareRemindersResponse* response) {
  FieldViolations v;
  // proto3 cannot tell an unset days_ahead from 0, and 0 is documented as
  // "today only", so that is what 0 means.
  if (request.days_ahead() < 0 || request.days_ahead() > kMaxDaysAhead) {
    v.Add("days_ahead", absl::StrCat("must be 0 to ", kMaxDaysAhead));
  }
  CRM_ASSIGN_OR_RETURN(
      PageRequest page,
      PageRequest::Parse(request, {"care_reminders", absl::StrCat(request.days_ahead())},
                         kReminderPages, &v));
  // The window's first day, range, month-day, contact, kind, item.
  CRM_ASSIGN_OR_RETURN(auto after, (page.After<std::string, int, int, int64_t, int, int64_t>()));
  std::optional<CareReminderPosition> position;
  if (after) {
    auto [day_text, range, month_day, contact_id, kind, item_id] = *after;
    absl::StatusOr<absl::CivilDay> day = ParseIsoDate(day_text);
    if (!day.ok() || range < 0) return InvalidField("page_token", "is malformed");
    position = CareReminderPosition{*day, range, month_day, contact_id, kind, item_id};
    today = *day;  // a page turn at midnight still continues the list it began
  }
  CRM_ASSIGN_OR_RETURN(CareReminderPage listed,
                       reminders_.List(call, today, request.days_ahead(), page.size(), position));
  for (v1::CareReminder& r : listed.reminders) *response->add_reminders() = std::move(r);
  if (listed.next) {
    const CareReminderPosition& next = *listed.next;
    response->set_next_page_token(page.NextToken(
        true,
        {FormatIsoDate(next.today), absl::StrCat(next.range), absl::StrCat(next.month_day),
         absl::StrCat(next.contact_id), absl::StrCat(next.kind), absl::StrCat(next.item_id)}));
  }
  return absl::OkStatus();
}

}  // namespace crm::customer
