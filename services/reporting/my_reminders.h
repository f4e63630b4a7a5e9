// ListMyReminders (R43): one feed of what is due for the caller, merged from
// sales and customer (each asked once, as the caller) and the read model's
// service requests.
#pragma once

#include <memory>

#include "absl/time/time.h"
#include "common/clients/customer_client.h"
#include "common/clients/sales_client.h"
#include "common/rpc/call_context.h"
#include "crm/reporting/v1/reports.pb.h"
#include "services/reporting/report_repository.h"

namespace crm::reporting {

class MyReminders {
 public:
  // `sales`, `customers`: null in tests that have no such service (the
  // source is then reported unavailable).
  MyReminders(ReportRepository& reports, std::shared_ptr<const SalesClient> sales,
              std::shared_ptr<const CustomerClient> customers, absl::TimeZone zone)
      : reports_(reports),
        sales_(std::move(sales)),
        customers_(std::move(customers)),
        zone_(zone) {}

  absl::Status ListMyReminders(const CallContext& call, const v1::ListMyRemindersRequest& request,
                               v1::ListMyRemindersResponse* response);

 private:
  ReportRepository& reports_;
  std::shared_ptr<const SalesClient> sales_;
  std::shared_ptr<const CustomerClient> customers_;
  const absl::TimeZone zone_;
};

}  // namespace crm::reporting
