// Handlers of the implementation record methods (R20, implementation.proto).
#pragma once

#include "common/clients/customer_check.h"
#include "common/rpc/call_context.h"
#include "crm/feedback/v1/implementation.pb.h"
#include "services/feedback/implementation_repository.h"

namespace crm::feedback {

class ImplementationHandlers {
 public:
  ImplementationHandlers(ImplementationRepository& records, CustomerCheck check_customer)
      : records_(records), check_customer_(std::move(check_customer)) {}

  absl::Status CreateImplementationRecord(const CallContext& call,
                                          const v1::CreateImplementationRecordRequest& request,
                                          v1::ImplementationRecord* response);
  absl::Status GetImplementationRecord(const CallContext& call,
                                       const v1::GetImplementationRecordRequest& request,
                                       v1::ImplementationRecord* response);
  absl::Status UpdateImplementationRecord(const CallContext& call,
                                          const v1::UpdateImplementationRecordRequest& request,
                                          v1::ImplementationRecord* response);
  absl::Status ListImplementationRecords(const CallContext& call,
                                         const v1::ListImplementationRecordsRequest& request,
                                         v1::ListImplementationRecordsResponse* response);

 private:
  ImplementationRepository& records_;
  CustomerCheck check_customer_;
};

}  // namespace crm::feedback
