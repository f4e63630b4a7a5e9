// Where an export's rows come from: a page at a time, each row as CSV cells.
#pragma once

#include <algorithm>
#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "common/rpc/call_context.h"
#include "common/text/csv_export.h"
#include "crm/reporting/v1/reports.pb.h"

namespace crm::reporting {

class ReportHandlers;

using CsvRow = std::vector<CsvCell>;

// Rows per page a source hands out (and per message of the stream).
inline constexpr size_t kExportRowsPerPage = 1000;

class RowSource {
 public:
  virtual ~RowSource() = default;
  virtual std::vector<std::string> Header() const = 0;
  // Appends the next page of rows to `rows`; false once there were none left.
  virtual absl::StatusOr<bool> Next(std::vector<CsvRow>& rows) = 0;
};

// A report computed whole (a row per bucket, product, stage or month),
// handed out a page at a time.
class ComputedRows : public RowSource {
 public:
  ComputedRows(std::vector<std::string> header, std::vector<CsvRow> rows)
      : header_(std::move(header)), rows_(std::move(rows)) {}
  std::vector<std::string> Header() const override { return header_; }
  absl::StatusOr<bool> Next(std::vector<CsvRow>& rows) override {
    if (next_ >= rows_.size()) return false;
    const size_t end = std::min(rows_.size(), next_ + kExportRowsPerPage);
    for (; next_ < end; ++next_) rows.push_back(std::move(rows_[next_]));
    return true;
  }

 private:
  std::vector<std::string> header_;
  std::vector<CsvRow> rows_;
  size_t next_ = 0;
};

// A paged report followed page by page through its own RPC handler (`fetch`
// answers one page of `Request`), each page's rows converted by `convert`.
template <typename Request, typename Response>
class PagedRows : public RowSource {
 public:
  using Fetch = std::function<absl::Status(const Request&, Response*)>;
  using Convert = std::function<void(const Response&, std::vector<CsvRow>&)>;
  PagedRows(std::vector<std::string> header, Request request, Fetch fetch, Convert convert)
      : header_(std::move(header)),
        request_(std::move(request)),
        fetch_(std::move(fetch)),
        convert_(std::move(convert)) {
    request_.set_page_size(static_cast<int32_t>(kExportRowsPerPage));
    request_.clear_page_token();
  }
  std::vector<std::string> Header() const override { return header_; }
  absl::StatusOr<bool> Next(std::vector<CsvRow>& rows) override {
    if (done_) return false;
    Response page;
    absl::Status status = fetch_(request_, &page);
    if (!status.ok()) return status;
    const size_t before = rows.size();
    convert_(page, rows);
    request_.set_page_token(page.next_page_token());
    done_ = page.next_page_token().empty();
    return rows.size() > before || !done_;
  }

 private:
  std::vector<std::string> header_;
  Request request_;
  Fetch fetch_;
  Convert convert_;
  bool done_ = false;
};

// The source of every report ExportReportRequest names (not the lists), its
// request checked through the report's handler: INVALID_ARGUMENT names the
// field under the report's own (e.g. sales_report.period.start_date).
// In export_report_rows.cc.
absl::StatusOr<std::unique_ptr<RowSource>> ReportRows(ReportHandlers& handlers,
                                                      const CallContext& call,
                                                      const v1::ExportReportRequest& request);

}  // namespace crm::reporting
