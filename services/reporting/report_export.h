// ExportReport (R32): a report or list as a CSV file, streamed a page at a
// time, so the service's memory stays flat whatever the size.
#pragma once

#include <memory>

#include "common/rpc/async_streams.h"
#include "common/rpc/call_context.h"
#include "crm/reporting/v1/reports.pb.h"
#include "services/reporting/report_handlers.h"
#include "services/reporting/report_repository.h"

namespace crm::reporting {

using ExportHandler = ServerStreamHandler<v1::ExportChunk>;

class ReportExports {
 public:
  ReportExports(ReportHandlers& handlers, ReportRepository& reports)
      : handlers_(handlers), reports_(reports) {}

  // The stream for `request`, its request checked first (INVALID_ARGUMENT
  // naming e.g. sales_report.period.start_date before any byte is sent).
  absl::StatusOr<std::unique_ptr<ExportHandler>> ExportReport(
      const CallContext& call, const v1::ExportReportRequest& request);

 private:
  ReportHandlers& handlers_;
  ReportRepository& reports_;
};

}  // namespace crm::reporting
