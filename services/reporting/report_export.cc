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

constexpr size_t kRowsPerChunk = 1000;

// Prefixes every field a nested request's check named with `prefix`.
absl::Status Nested(const absl::Status& status, absl::string_view prefix) {
  if (status.code() != absl::StatusCode::kInvalidArgument) return status;
  FieldViolations violations;
  for (const auto& [field, description] : FieldViolationsOf(status)) {
    violations.Add(absl::StrCat(prefix, ".", field), description);
  }
  return violations.ToStatus();
}

// Basis points as a percentage with two decimals (7500 → "75.00").
CsvNumber Percent(int32_t basis_points) { return YuanCell(basis_points); }

// A report computed whole (reports are small: a row per bucket, product or
// stage), handed out a chunk at a time.
class ComputedRows : public RowSource {
 public:
  ComputedRows(std::vector<std::string> header, std::vector<CsvRow> rows)
      : header_(std::move(header)), rows_(std::move(rows)) {}
  std::vector<std::string> Header() const override { return header_; }
  absl::StatusOr<bool> Next(std::vector<CsvRow>& rows) override {
    if (next_ >= rows_.size()) return false;
    const size_t end = std::min(rows_.size(), next_ + kRowsPerChunk);
    for (; next_ < end; ++next_) rows.push_back(std::move(rows_[next_]));
    return true;
  }

 private:
  std::vector<std::string> header_;
  std::vector<CsvRow> rows_;
  size_t next_ = 0;
};

// The ABC analysis page by page (it has a row per customer with sales).
class AbcRows : public RowSource {
 public:
  AbcRows(ReportHandlers& handlers, const CallContext& call, v1::GetAbcAnalysisRequest request)
      : handlers_(handlers), call_(call), request_(std::move(request)) {
    request_.set_page_size(static_cast<int32_t>(kRowsPerChunk));
    request_.clear_page_token();
  }
  std::vector<std::string> Header() const override {
    return {"排名", "客户编号", "客户名称", "销售额(元)", "占比(%)", "累计占比(%)", "ABC分类"};
  }
  absl::StatusOr<bool> Next(std::vector<CsvRow>& rows) override {
    if (done_) return false;
    v1::AbcAnalysis page;
    CRM_RETURN_IF_ERROR(Nested(handlers_.GetAbcAnalysis(call_, request_, &page), "abc_analysis"));
    for (const v1::AbcRow& row : page.rows()) {
      rows.push_back({IntegerCell(row.rank()), IntegerCell(row.customer_id()), row.customer_name(),
                      YuanCell(row.amount().minor_units()), Percent(row.share_bp()),
                      Percent(row.cumulative_share_bp()), row.abc_class()});
    }
    request_.set_page_token(page.next_page_token());
    done_ = page.next_page_token().empty();
    return !page.rows().empty() || !done_;
  }

 private:
  ReportHandlers& handlers_;
  const CallContext& call_;
  v1::GetAbcAnalysisRequest request_;
  bool done_ = false;
};

// A list from the read model, keyset by id.
class ListRows : public RowSource {
 public:
  ListRows(ReportRepository& reports, const CallContext& call, v1::ExportedList list,
           std::optional<DaySpan> period)
      : reports_(reports), call_(call), list_(list), period_(std::move(period)) {}
  std::vector<std::string> Header() const override {
    if (list_ == v1::CUSTOMERS) {
      return {"客户ID", "客户名称", "区域", "行业", "类型", "等级", "状态", "创建日期", "负责人"};
    }
    return {"订单ID", "订单日期", "客户ID", "客户名称", "状态", "金额(元)", "负责人"};
  }
  absl::StatusOr<bool> Next(std::vector<CsvRow>& rows) override {
    if (done_) return false;
    const size_t before = rows.size();
    CRM_ASSIGN_OR_RETURN(after_id_,
                         list_ == v1::CUSTOMERS
                             ? reports_.CustomerRows(call_, period_, after_id_, kRowsPerChunk, rows)
                             : reports_.OrderRows(call_, period_, after_id_, kRowsPerChunk, rows));
    done_ = rows.size() - before < kRowsPerChunk;
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
  switch (request.report_case()) {
    case v1::ExportReportRequest::kSalesReport: {
      v1::SalesReport report;
      CRM_RETURN_IF_ERROR(
          Nested(handlers_.GetSalesReport(call, request.sales_report(), &report), "sales_report"));
      std::vector<CsvRow> rows;
      for (const v1::SalesRow& row : report.rows()) {
        rows.push_back({row.bucket(), row.group_key(), row.group_name(), IntegerCell(row.orders()),
                        YuanCell(row.amount().minor_units())});
      }
      source = std::make_unique<ComputedRows>(
          std::vector<std::string>{"期间", "分组", "名称", "订单数", "销售额(元)"},
          std::move(rows));
      break;
    }
    case v1::ExportReportRequest::kAbcAnalysis: {
      // Checked by its first page (a bad request sends no byte).
      source = std::make_unique<AbcRows>(handlers_, call, request.abc_analysis());
      break;
    }
    case v1::ExportReportRequest::kProductSales: {
      v1::ProductSales report;
      CRM_RETURN_IF_ERROR(Nested(handlers_.GetProductSales(call, request.product_sales(), &report),
                                 "product_sales"));
      std::vector<CsvRow> rows;
      for (const v1::ProductSalesRow& row : report.rows()) {
        rows.push_back(
            {IntegerCell(row.product_id()), row.product_name(),
             CsvNumber{absl::StrCat(row.quantity_milli() / 1000, ".",
                                    absl::StrFormat("%03d", row.quantity_milli() % 1000))},
             IntegerCell(row.orders()), YuanCell(row.amount().minor_units()),
             Percent(row.share_bp()), YuanCell(row.gross_margin().minor_units())});
      }
      source = std::make_unique<ComputedRows>(
          std::vector<std::string>{"产品ID", "产品名称", "数量", "订单数", "销售额(元)", "占比(%)",
                                   "毛利(元)"},
          std::move(rows));
      break;
    }
    case v1::ExportReportRequest::kSalesFunnel: {
      v1::SalesFunnel funnel;
      CRM_RETURN_IF_ERROR(
          Nested(handlers_.GetSalesFunnel(call, request.sales_funnel(), &funnel), "sales_funnel"));
      std::vector<CsvRow> rows;
      for (const v1::FunnelStage& stage : funnel.stages()) {
        rows.push_back({stage.stage_code(), stage.stage_name(), IntegerCell(stage.reached()),
                        YuanCell(stage.reached_amount().minor_units()),
                        Percent(stage.conversion_to_next_bp()), IntegerCell(stage.open()),
                        YuanCell(stage.weighted_amount().minor_units()),
                        IntegerCell(stage.average_seconds_in_stage())});
      }
      source = std::make_unique<ComputedRows>(
          std::vector<std::string>{"阶段", "名称", "到达数", "到达金额(元)", "转化率(%)", "在途数",
                                   "加权金额(元)", "平均停留(秒)"},
          std::move(rows));
      break;
    }
    case v1::ExportReportRequest::kCustomerComposition: {
      v1::CustomerComposition report;
      CRM_RETURN_IF_ERROR(
          Nested(handlers_.GetCustomerComposition(call, request.customer_composition(), &report),
                 "customer_composition"));
      std::vector<CsvRow> rows;
      for (const v1::CompositionRow& row : report.rows()) {
        rows.push_back({row.key(), IntegerCell(row.customers()), Percent(row.share_bp())});
      }
      source = std::make_unique<ComputedRows>(std::vector<std::string>{"分类", "客户数", "占比(%)"},
                                              std::move(rows));
      break;
    }
    case v1::ExportReportRequest::kList: {
      const v1::ExportListRequest& list = request.list();
      if (list.list() != v1::CUSTOMERS && list.list() != v1::ORDERS) {
        return InvalidField("list.list", "must be CUSTOMERS or ORDERS");
      }
      std::optional<DaySpan> period;
      if (list.has_period()) {
        CRM_ASSIGN_OR_RETURN(period, CheckPeriod(list.period(), "list.period"));
      }
      source = std::make_unique<ListRows>(reports_, call, list.list(), std::move(period));
      break;
    }
    default:
      return InvalidField("report", "name the report or list to export");
  }
  return std::make_unique<ExportStream>(std::move(source), encoding);
}

}  // namespace crm::reporting
