// ReportExports: each report becomes a RowSource; ExportStream turns pages of
// rows into chunks of the file.
#include "services/reporting/report_export.h"

#include <algorithm>
#include <optional>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "common/base/status_util.h"
#include "services/reporting/export_rows.h"

namespace crm::reporting {
namespace {

// A list from the read model, keyset by id.
class ListRows : public RowSource {
 public:
  ListRows(ReportRepository& reports, const CallContext& call, v1::ExportedList list,
           std::optional<DaySpan> period)
      : reports_(reports), call_(call), list_(list), period_(std::move(period)) {}
  std::vector<std::string> Header() const override {
    switch (list_) {
      case v1::CUSTOMERS:
        return {"客户ID", "客户名称", "区域", "行业", "类型", "等级", "状态", "创建日期", "负责人"};
      case v1::ORDERS:
        return {"订单ID", "订单日期", "客户ID", "客户名称", "状态", "金额(元)", "负责人"};
      case v1::CONTACT_RECORDS:
        return {"记录ID", "日期", "客户ID", "客户名称", "方式", "主题", "内容", "下一步", "负责人"};
      default:
        return {"请求ID", "创建日期", "客户ID", "客户名称", "类型",  "优先级",
                "主题",   "状态",     "处理人", "满意度",   "负责人"};
    }
  }
  absl::StatusOr<bool> Next(std::vector<CsvRow>& rows) override {
    if (done_) return false;
    const size_t before = rows.size();
    absl::StatusOr<int64_t> (ReportRepository::*page)(
        const CallContext&, const std::optional<DaySpan>&, int64_t, size_t, std::vector<CsvRow>&) =
        list_ == v1::CUSTOMERS         ? &ReportRepository::CustomerRows
        : list_ == v1::ORDERS          ? &ReportRepository::OrderRows
        : list_ == v1::CONTACT_RECORDS ? &ReportRepository::ContactRows
                                       : &ReportRepository::RequestRows;
    CRM_ASSIGN_OR_RETURN(after_id_,
                         (reports_.*page)(call_, period_, after_id_, kExportRowsPerPage, rows));
    done_ = rows.size() - before < kExportRowsPerPage;
    return rows.size() > before;
  }

 private:
  ReportRepository& reports_;
  const CallContext& call_;
  const v1::ExportedList list_;
  const std::optional<DaySpan> period_;
  int64_t after_id_ = 0;
  bool done_ = false;
};

class ExportStream : public ExportHandler {
 public:
  ExportStream(std::unique_ptr<RowSource> source, CsvEncoding encoding)
      : source_(std::move(source)), writer_(encoding) {}

  absl::StatusOr<bool> Next(v1::ExportChunk* message) override {
    if (finished_) return false;
    std::string utf8;
    if (!started_) {
      CsvWriter::AppendHeader(utf8, source_->Header());
      started_ = true;
    }
    std::vector<CsvRow> rows;
    CRM_ASSIGN_OR_RETURN(const bool more, source_->Next(rows));
    for (const CsvRow& row : rows) CsvWriter::AppendCells(utf8, row);
    rows_ += static_cast<int64_t>(rows.size());
    CRM_ASSIGN_OR_RETURN(std::string bytes, writer_.Encode(std::move(utf8)));
    if (!bom_sent_) {
      bytes = writer_.Start() + bytes;
      bom_sent_ = true;
    }
    message->set_csv(std::move(bytes));
    if (!more) {
      message->set_last(true);
      message->set_rows(rows_);
      finished_ = true;
    }
    return true;
  }

 private:
  std::unique_ptr<RowSource> source_;
  CsvWriter writer_;
  bool started_ = false, bom_sent_ = false, finished_ = false;
  int64_t rows_ = 0;
};

}  // namespace

absl::StatusOr<std::unique_ptr<ExportHandler>> ReportExports::ExportReport(
    const CallContext& call, const v1::ExportReportRequest& request) {
  CsvEncoding encoding = CsvEncoding::kUtf8WithBom;
  switch (request.encoding()) {
    case v1::CSV_ENCODING_UNSPECIFIED:
    case v1::UTF8_WITH_BOM:
      break;
    case v1::GB18030:
      encoding = CsvEncoding::kGb18030;
      break;
    default:
      return InvalidField("encoding", "must be UTF8_WITH_BOM or GB18030");
  }
  std::unique_ptr<RowSource> source;
  if (request.report_case() == v1::ExportReportRequest::kList) {
    const v1::ExportListRequest& list = request.list();
    if (list.list() <= v1::EXPORTED_LIST_UNSPECIFIED || list.list() > v1::SERVICE_REQUESTS) {
      return InvalidField("list.list",
                          "must be CUSTOMERS, ORDERS, CONTACT_RECORDS or SERVICE_REQUESTS");
    }
    std::optional<DaySpan> period;
    if (list.has_period()) {
      CRM_ASSIGN_OR_RETURN(period, CheckPeriod(list.period(), "list.period"));
    }
    source = std::make_unique<ListRows>(reports_, call, list.list(), std::move(period));
  } else {
    // A paged report is checked by its first page (a bad request sends no byte).
    CRM_ASSIGN_OR_RETURN(source, ReportRows(handlers_, call, request));
  }
  return std::make_unique<ExportStream>(std::move(source), encoding);
}

}  // namespace crm::reporting
