// Handlers of the contact methods (R5) and care reminders (R8): validation,
// defaults, page tokens, and the repository.
#pragma once

#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "common/rpc/call_context.h"
#include "crm/customer/v1/contact.pb.h"
#include "google/protobuf/empty.pb.h"
#include "services/customer/care_reminders.h"
#include "services/customer/contact_repository.h"

namespace crm::customer {

class ContactHandlers {
 public:
  // `zone` is the company's: care reminders count its days.
  ContactHandlers(ContactRepository& repository, CareReminderQuery& reminders, absl::TimeZone zone)
      : repository_(repository), reminders_(reminders), zone_(zone) {}

  absl::Status CreateContact(const CallContext& call, const v1::CreateContactRequest& request,
                             v1::Contact* response);
  absl::Status GetContact(const CallContext& call, const v1::GetContactRequest& request,
                          v1::Contact* response);
  absl::Status UpdateContact(const CallContext& call, const v1::UpdateContactRequest& request,
                             v1::Contact* response);
  absl::Status DeleteContact(const CallContext& call, const v1::DeleteContactRequest& request,
                             google::protobuf::Empty* response);
  absl::Status ListContacts(const CallContext& call, const v1::ListContactsRequest& request,
                            v1::ListContactsResponse* response);
  absl::Status SetPrimaryContact(const CallContext& call,
                                 const v1::SetPrimaryContactRequest& request,
                                 v1::Contact* response);
  absl::Status ListCareReminders(const CallContext& call,
                                 const v1::ListCareRemindersRequest& request,
                                 v1::ListCareRemindersResponse* response);

  // ListCareReminders as if today were `today` (a page token keeps the day
  // of the first page, so it overrides this).
  absl::Status ListCareRemindersOn(const CallContext& call,
                                   const v1::ListCareRemindersRequest& request,
                                   absl::CivilDay today, v1::ListCareRemindersResponse* response);

 private:
  ContactRepository& repository_;
  CareReminderQuery& reminders_;
  absl::TimeZone zone_;
};

}  // namespace crm::customer
