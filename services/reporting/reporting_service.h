// crm.reporting.v1.ReportingService: wires each method to its handler.
#pragma once

#include <map>
#include <string>

#include "absl/time/time.h"
#include "common/feed/change_feed.h"
#include "common/rpc/async_methods.h"
#include "crm/reporting/v1/reporting_service.grpc.pb.h"
#include "services/reporting/report_export.h"
#include "services/reporting/report_handlers.h"
#include "services/reporting/report_repository.h"

namespace crm::reporting {

class ReportingServiceImpl : public v1::ReportingService::AsyncService {
 public:
  // Registers every method's handler in `methods`; `progress`: this
  // process's feed consumers, by feed name.
  // `zone`: the company's time zone.
  ReportingServiceImpl(Database& db, AsyncMethods& methods,
                       std::map<std::string, const FeedProgress*> progress, absl::TimeZone zone);

 private:
  ReportRepository reports_;
  ReportHandlers report_handlers_;
  ReportExports exports_;
  ChangeLogHandlers change_log_;
};

}  // namespace crm::reporting
