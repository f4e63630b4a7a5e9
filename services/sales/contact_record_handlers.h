// Handlers of the contact record methods (R13) and the caller's reminders
// (R43): validation, the customer and contact check, dates in the company's
// zone, and the repository.
#pragma once

#include "absl/time/time.h"
#include "common/clients/customer_check.h"
#include "common/rpc/call_context.h"
#include "crm/sales/v1/contact_record.pb.h"
#include "services/sales/contact_record_repository.h"

namespace crm::sales {

class ContactRecordHandlers {
 public:
  ContactRecordHandlers(ContactRecordRepository& records, CustomerCheck check_customer,
                        absl::TimeZone zone)
      : records_(records), check_customer_(std::move(check_customer)), zone_(zone) {}

  absl::Status CreateContactRecord(const CallContext& call,
                                   const v1::CreateContactRecordRequest& request,
                                   v1::ContactRecord* response);
  absl::Status GetContactRecord(const CallContext& call, const v1::GetContactRecordRequest& request,
                                v1::ContactRecord* response);
  absl::Status UpdateContactRecord(const CallContext& call,
                                   const v1::UpdateContactRecordRequest& request,
                                   v1::ContactRecord* response);
  absl::Status ListContactRecords(const CallContext& call,
                                  const v1::ListContactRecordsRequest& request,
                                  v1::ListContactRecordsResponse* response);
  absl::Status ListMyReminders(const CallContext& call, const v1::ListMyRemindersRequest& request,
                               v1::ListMyRemindersResponse* response);

 private:
  ContactRecordRepository& records_;
  CustomerCheck check_customer_;
  absl::TimeZone zone_;
};

}  // namespace crm::sales
