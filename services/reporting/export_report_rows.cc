// ReportRows: each report as CSV rows, headers in Chinese as users read
// them. Money in yuan with two decimals, shares in percent.
#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "common/base/status_util.h"
#include "services/reporting/export_rows.h"
#include "services/reporting/report_handlers.h"

namespace crm::reporting {
namespace {

using Header = std::vector<std::string>;

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
CsvNumber Percent(int64_t basis_points) { return YuanCell(basis_points); }
CsvNumber Money(const common::v1::Money& money) { return YuanCell(money.minor_units()); }

// A whole report from `handler`, its rows from `convert`.
template <typename Request, typename Response>
absl::StatusOr<std::unique_ptr<RowSource>> Computed(
    absl::Status (ReportHandlers::*handler)(const CallContext&, const Request&, Response*),
    ReportHandlers& handlers, const CallContext& call, const Request& request,
    absl::string_view field, Header header,
    const std::function<void(const Response&, std::vector<CsvRow>&)>& convert) {
  Response report;
  CRM_RETURN_IF_ERROR(Nested((handlers.*handler)(call, request, &report), field));
  std::vector<CsvRow> rows;
  convert(report, rows);
  return std::make_unique<ComputedRows>(std::move(header), std::move(rows));
}

// Every page of a paged report from `handler`.
template <typename Request, typename Response>
std::unique_ptr<RowSource> Paged(
    absl::Status (ReportHandlers::*handler)(const CallContext&, const Request&, Response*),
    ReportHandlers& handlers, const CallContext& call, const Request& request,
    absl::string_view field, Header header,
    std::function<void(const Response&, std::vector<CsvRow>&)> convert) {
  return std::make_unique<PagedRows<Request, Response>>(
      std::move(header), request,
      [&handlers, &call, handler, prefix = std::string(field)](const Request& page,
                                                               Response* response) {
        return Nested((handlers.*handler)(call, page, response), prefix);
      },
      std::move(convert));
}

// Every rank of an ABC analysis from one ranking (a page of the RPC ranks
// again each time).
class AbcRankingRows : public RowSource {
 public:
  AbcRankingRows(ReportRepository& reports, const CallContext& call, CustomerRanking ranking,
                 AbcCutoffs cutoffs)
      : reports_(reports), call_(call), ranking_(std::move(ranking)), cutoffs_(cutoffs) {}
  std::vector<std::string> Header() const override {
    return {"排名", "客户编号", "客户名称", "销售额(元)", "占比(%)", "累计占比(%)", "ABC分类"};
  }
  absl::StatusOr<bool> Next(std::vector<CsvRow>& rows) override {
    if (next_ >= ranking_.entries.size()) return false;
    CRM_ASSIGN_OR_RETURN(const v1::AbcAnalysis page,
                         reports_.AbcRows(call_, ranking_, cutoffs_, next_, kExportRowsPerPage));
    for (const v1::AbcRow& r : page.rows()) {
      rows.push_back({IntegerCell(r.rank()), IntegerCell(r.customer_id()), r.customer_name(),
                      Money(r.amount()), Percent(r.share_bp()), Percent(r.cumulative_share_bp()),
                      r.abc_class()});
    }
    next_ += kExportRowsPerPage;
    return true;
  }

 private:
  ReportRepository& reports_;
  const CallContext& call_;
  const CustomerRanking ranking_;
  const AbcCutoffs cutoffs_;
  size_t next_ = 0;
};

void AgingCells(const v1::ReceivablesRow& row, CsvRow& cells) {
  const v1::ReceivablesAging& a = row.aging();
  for (const common::v1::Money* m :
       {&row.contract_amount(), &row.received(), &row.outstanding(), &row.prepaid(), &row.overdue(),
        &a.not_due(), &a.days_1_30(), &a.days_31_60(), &a.days_61_90(), &a.over_90(),
        &a.unscheduled()}) {
    cells.push_back(Money(*m));
  }
}

std::string Quantity(int64_t milli) {
  return absl::StrFormat("%s%d.%03d", milli < 0 ? "-" : "", std::abs(milli / 1000),
                         std::abs(milli % 1000));
}

}  // namespace

absl::StatusOr<std::unique_ptr<RowSource>> ReportRows(ReportHandlers& h, const CallContext& call,
                                                      const v1::ExportReportRequest& request) {
  using R = v1::ExportReportRequest;
  switch (request.report_case()) {
    case R::kSalesReport:
      return Computed<v1::GetSalesReportRequest, v1::SalesReport>(
          &ReportHandlers::GetSalesReport, h, call, request.sales_report(), "sales_report",
          {"期间", "分组", "名称", "订单数", "销售额(元)"},
          [](const v1::SalesReport& report, std::vector<CsvRow>& rows) {
            for (const v1::SalesRow& r : report.rows()) {
              rows.push_back({r.bucket(), r.group_key(), r.group_name(), IntegerCell(r.orders()),
                              Money(r.amount())});
            }
          });
    case R::kAbcAnalysis: {
      FieldViolations violations;
      const std::optional<AbcQuery> query = CheckAbcRequest(request.abc_analysis(), violations);
      if (!violations.empty()) return Nested(violations.ToStatus(), "abc_analysis");
      CRM_ASSIGN_OR_RETURN(CustomerRanking ranking, h.reports().RankCustomers(call, query->period));
      return std::make_unique<AbcRankingRows>(h.reports(), call, std::move(ranking),
                                              query->cutoffs);
    }
    case R::kProductSales:
      return Computed<v1::GetProductSalesRequest, v1::ProductSales>(
          &ReportHandlers::GetProductSales, h, call, request.product_sales(), "product_sales",
          {"产品ID", "产品名称", "数量", "订单数", "销售额(元)", "占比(%)", "毛利(元)"},
          [](const v1::ProductSales& report, std::vector<CsvRow>& rows) {
            for (const v1::ProductSalesRow& r : report.rows()) {
              rows.push_back({IntegerCell(r.product_id()), r.product_name(),
                              CsvNumber{Quantity(r.quantity_milli())}, IntegerCell(r.orders()),
                              Money(r.amount()), Percent(r.share_bp()), Money(r.gross_margin())});
            }
          });
    case R::kSalesFunnel:
      return Computed<v1::GetSalesFunnelRequest, v1::SalesFunnel>(
          &ReportHandlers::GetSalesFunnel, h, call, request.sales_funnel(), "sales_funnel",
          {"阶段", "名称", "到达数", "到达金额(元)", "转化率(%)", "在途数", "加权金额(元)",
           "平均停留(秒)"},
          [](const v1::SalesFunnel& funnel, std::vector<CsvRow>& rows) {
            for (const v1::FunnelStage& s : funnel.stages()) {
              rows.push_back({s.stage_code(), s.stage_name(), IntegerCell(s.reached()),
                              Money(s.reached_amount()), Percent(s.conversion_to_next_bp()),
                              IntegerCell(s.open()), Money(s.weighted_amount()),
                              IntegerCell(s.average_seconds_in_stage())});
            }
          });
    case R::kCustomerComposition:
      return Computed<v1::GetCustomerCompositionRequest, v1::CustomerComposition>(
          &ReportHandlers::GetCustomerComposition, h, call, request.customer_composition(),
          "customer_composition", {"分类", "客户数", "占比(%)"},
          [](const v1::CustomerComposition& report, std::vector<CsvRow>& rows) {
            for (const v1::CompositionRow& r : report.rows()) {
              rows.push_back({r.key(), IntegerCell(r.customers()), Percent(r.share_bp())});
            }
          });
    case R::kServiceReport:
      return Computed<v1::GetServiceReportRequest, v1::ServiceReport>(
          &ReportHandlers::GetServiceReport, h, call, request.service_report(), "service_report",
          {"类型", "状态", "优先级", "请求数", "按时解决", "已超时", "临近超时", "响应超时"},
          [](const v1::ServiceReport& report, std::vector<CsvRow>& rows) {
            for (const v1::ServiceCompositionRow& r : report.composition()) {
              rows.push_back({r.type(), r.status(), "", IntegerCell(r.requests()), "", "", "", ""});
            }
            for (const v1::SlaRow& r : report.sla()) {
              rows.push_back({"", "", r.priority(), IntegerCell(r.requests()),
                              IntegerCell(r.resolved_within_target()), IntegerCell(r.breached()),
                              IntegerCell(r.at_risk()), IntegerCell(r.response_breached())});
            }
          });
    case R::kSatisfactionReport:
      return Computed<v1::GetSatisfactionReportRequest, v1::SatisfactionReport>(
          &ReportHandlers::GetSatisfactionReport, h, call, request.satisfaction_report(),
          "satisfaction_report",
          {"期间", "分组", "名称", "评价数", "平均分", "满意(4-5)", "不满意(1-2)"},
          [](const v1::SatisfactionReport& report, std::vector<CsvRow>& rows) {
            for (const v1::SatisfactionRow& r : report.rows()) {
              rows.push_back({r.bucket(), r.group_key(), r.group_name(), IntegerCell(r.responses()),
                              YuanCell(r.average_centi()), IntegerCell(r.satisfied()),
                              IntegerCell(r.dissatisfied())});
            }
          });
    case R::kChurnList:
      return Paged<v1::GetChurnListRequest, v1::ChurnList>(
          &ReportHandlers::GetChurnList, h, call, request.churn_list(), "churn_list",
          {"客户ID", "客户名称", "负责人", "最后下单", "最后跟进", "最后活动", "沉默天数",
           "期间销售额(元)"},
          [](const v1::ChurnList& page, std::vector<CsvRow>& rows) {
            for (const v1::ChurnRow& r : page.rows()) {
              rows.push_back({IntegerCell(r.customer_id()), r.customer_name(), r.owner_name(),
                              r.last_order_date(), r.last_contact_date(), r.last_activity_date(),
                              IntegerCell(r.quiet_days()), Money(r.sales())});
            }
          });
    case R::kSalesPersonEvaluation:
      return Computed<v1::GetSalesPersonEvaluationRequest, v1::SalesPersonEvaluation>(
          &ReportHandlers::GetSalesPersonEvaluation, h, call, request.sales_person_evaluation(),
          "sales_person_evaluation",
          {"员工ID", "姓名", "订单数", "销售额(元)", "新客户", "跟进记录", "评价数", "平均满意度"},
          [](const v1::SalesPersonEvaluation& report, std::vector<CsvRow>& rows) {
            for (const v1::SalesPersonRow& r : report.rows()) {
              rows.push_back({IntegerCell(r.employee_id()), r.name(), IntegerCell(r.orders()),
                              Money(r.amount()), IntegerCell(r.new_customers()),
                              IntegerCell(r.contact_records()),
                              IntegerCell(r.satisfaction_responses()),
                              YuanCell(r.average_satisfaction_centi())});
            }
          });
    case R::kReceivablesReport:
      return Paged<v1::GetReceivablesReportRequest, v1::ReceivablesReport>(
          &ReportHandlers::GetReceivablesReport, h, call, request.receivables_report(),
          "receivables_report",
          {"编号", "名称", "合同数", "合同金额(元)", "已收(元)", "未收(元)", "预收(元)", "逾期(元)",
           "未到期(元)", "逾期1-30天(元)", "逾期31-60天(元)", "逾期61-90天(元)", "逾期90天以上(元)",
           "无计划(元)"},
          [](const v1::ReceivablesReport& page, std::vector<CsvRow>& rows) {
            for (const v1::ReceivablesRow& r : page.rows()) {
              CsvRow cells = {IntegerCell(r.key()), r.name(), IntegerCell(r.contracts())};
              AgingCells(r, cells);
              rows.push_back(std::move(cells));
            }
          });
    case R::kCollectionsReport:
      return Computed<v1::GetCollectionsReportRequest, v1::CollectionsReport>(
          &ReportHandlers::GetCollectionsReport, h, call, request.collections_report(),
          "collections_report", {"期间", "收款笔数", "收款(元)", "退款及冲销(元)", "净收款(元)"},
          [](const v1::CollectionsReport& report, std::vector<CsvRow>& rows) {
            for (const v1::CollectionsRow& r : report.rows()) {
              rows.push_back({r.bucket(), IntegerCell(r.receipts()), Money(r.received()),
                              Money(r.reversed()), Money(r.net())});
            }
          });
    case R::kCampaignReturn:
      return Paged<v1::GetCampaignReturnRequest, v1::CampaignReturn>(
          &ReportHandlers::GetCampaignReturn, h, call, request.campaign_return(), "campaign_return",
          {"活动ID", "活动名称", "开始", "结束", "成本(元)", "商机数", "赢单数", "赢单金额(元)",
           "订单数", "订单金额(元)", "回款(元)", "订单回报率(%)", "回款回报率(%)"},
          [](const v1::CampaignReturn& page, std::vector<CsvRow>& rows) {
            for (const v1::CampaignReturnRow& r : page.rows()) {
              rows.push_back(
                  {IntegerCell(r.campaign_id()), r.name(), r.start_date(), r.end_date(),
                   Money(r.cost()), IntegerCell(r.opportunities()),
                   IntegerCell(r.won_opportunities()), Money(r.won_amount()),
                   IntegerCell(r.orders()), Money(r.order_amount()), Money(r.cash_received()),
                   r.has_return_on_cost_bp() ? CsvCell(Percent(r.return_on_cost_bp())) : "",
                   r.has_cash_return_on_cost_bp() ? CsvCell(Percent(r.cash_return_on_cost_bp()))
                                                  : ""});
            }
          });
    case R::kGradeChanges:
      return Paged<v1::GetGradeChangesRequest, v1::GradeChanges>(
          &ReportHandlers::GetGradeChanges, h, call, request.grade_changes(), "grade_changes",
          {"客户ID", "客户名称", "日期", "原等级", "新等级", "负责人ID"},
          [](const v1::GradeChanges& page, std::vector<CsvRow>& rows) {
            for (const v1::GradeChangeRow& r : page.rows()) {
              rows.push_back({IntegerCell(r.customer_id()), r.customer_name(), r.change_date(),
                              r.from_grade(), r.to_grade(), IntegerCell(r.owner_employee_id())});
            }
          });
    case R::kCustomerContribution:
      return Paged<v1::GetCustomerContributionRequest, v1::CustomerContribution>(
          &ReportHandlers::GetCustomerContribution, h, call, request.customer_contribution(),
          "customer_contribution",
          {"客户ID", "客户名称", "订单数", "销售额(元)", "销售占比(%)", "毛利(元)", "毛利占比(%)"},
          [](const v1::CustomerContribution& page, std::vector<CsvRow>& rows) {
            for (const v1::ContributionRow& r : page.rows()) {
              rows.push_back({IntegerCell(r.customer_id()), r.customer_name(),
                              IntegerCell(r.orders()), Money(r.amount()), Percent(r.share_bp()),
                              Money(r.gross_margin()), Percent(r.margin_share_bp())});
            }
          });
    case R::kSeasonalIndex:
      return Computed<v1::GetSeasonalIndexRequest, v1::SeasonalIndex>(
          &ReportHandlers::GetSeasonalIndex, h, call, request.seasonal_index(), "seasonal_index",
          {"月份", "第一年(元)", "第二年(元)", "第三年(元)", "月平均(元)", "季节指数(%)",
           "月目标(元)"},
          [](const v1::SeasonalIndex& index, std::vector<CsvRow>& rows) {
            for (const v1::SeasonalMonth& m : index.months()) {
              CsvRow cells = {IntegerCell(m.month())};
              for (const common::v1::Money& sales : m.sales()) cells.push_back(Money(sales));
              cells.push_back(Money(m.average()));
              cells.push_back(Percent(m.index_bp()));
              cells.push_back(m.has_target() ? CsvCell(Money(m.target())) : "");
              rows.push_back(std::move(cells));
            }
          });
    case R::kTargetAttainment:
      return Computed<v1::GetTargetAttainmentRequest, v1::TargetAttainment>(
          &ReportHandlers::GetTargetAttainment, h, call, request.target_attainment(),
          "target_attainment",
          {"员工ID", "姓名", "月份", "目标(元)", "订单数", "实际(元)", "达成率(%)"},
          [](const v1::TargetAttainment& report, std::vector<CsvRow>& rows) {
            for (const v1::TargetAttainmentRow& r : report.rows()) {
              rows.push_back({IntegerCell(r.employee_id()), r.name(), r.month(), Money(r.target()),
                              IntegerCell(r.orders()), Money(r.actual()),
                              r.has_attainment_bp() ? CsvCell(Percent(r.attainment_bp())) : ""});
            }
          });
    case R::kDashboard:
      return Computed<v1::GetDashboardRequest, v1::Dashboard>(
          &ReportHandlers::GetDashboard, h, call, request.dashboard(), "dashboard",
          {"订单数", "销售额(元)", "客户数", "新客户", "未结服务请求", "SLA已超时", "SLA临近超时",
           "逾期应收(元)", "未收合计(元)"},
          [](const v1::Dashboard& d, std::vector<CsvRow>& rows) {
            rows.push_back({IntegerCell(d.orders()), Money(d.sales()), IntegerCell(d.customers()),
                            IntegerCell(d.new_customers()), IntegerCell(d.open_requests()),
                            IntegerCell(d.sla_breaches()), IntegerCell(d.requests_at_risk()),
                            Money(d.overdue_receivables()), Money(d.outstanding_receivables())});
          });
    default:
      return InvalidField("report", "name the report or list to export");
  }
}

}  // namespace crm::reporting
