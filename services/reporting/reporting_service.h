// crm.reporting.v1.ReportingService: wires each method to its handler.
#pragma once

#include <map>
#include <string>

#include "absl/time/time.h"
#include "common/feed/change_feed.h"
#include "common/rpc/async_methods.h"
#include "crm/reporting/v1/reporting_service.grpc.pb.h"
#include "services/reporting/my_reminders.h"
#include "services/reporting/report_export.h"
#include "services/reporting/report_handlers.h"
#include "services/reporting/report_repository.h"

namespace crm::reporting {

class ReportingServiceImpl : public v1::ReportingService::AsyncService {
 public:
  // Registers every method's handler in `methods`.
  // What the service needs besides the database.
  struct Deps {
    std::map<std::string, const FeedProgress*> progress;  // this process's consumers, by feed
    absl::TimeZone zone;                                  // the company's
    std::shared_ptr<const SalesClient> sales;             // reminder sources
    std::shared_ptr<const CustomerClient> customers;
  };
  ReportingServiceImpl(Database& db, AsyncMethods& methods, Deps deps);

 private:
  ReportRepository reports_;
  ReportHandlers report_handlers_;
  ReportExports exports_;
  MyReminders reminders_;
  ChangeLogHandlers change_log_;
};

}  // namespace crm::reporting
