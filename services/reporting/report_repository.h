// The reports' SQL over the read model (read_model.h), each under the
// caller's row-level visibility (db/visibility.h) on the owner columns the
// read model keeps.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "common/rpc/call_context.h"
#include "common/rpc/paging.h"
#include "crm/reporting/v1/reports.pb.h"
#include "services/reporting/export_rows.h"
#include "services/reporting/report_period.h"

namespace crm {
class Database;
class MySqlConnection;
class SqlWhere;
}  // namespace crm

namespace crm::reporting {

// An open service request of the caller whose resolution is (or turns) at
// risk: the day it does, in the company's zone.
struct AtRiskRequest {
  int64_t id = 0;
  int64_t customer_id = 0;
  std::string subject;
  absl::CivilDay at_risk_day;
};

// An instalment of one of the caller's contracts still owed.
struct InstalmentDue {
  int64_t id = 0;
  int64_t customer_id = 0;
  std::string contract_number;
  int sequence = 0;
  absl::CivilDay due_day;
  int64_t outstanding_fen = 0;
};

// The ABC cut-offs, checked (percent of the period's sales).
struct AbcCutoffs {
  int a_percent = 75;
  int b_percent = 20;
};

// Rows of a table with order_date and owner columns (alias `alias`) dated
// within `period`, under the caller's scope: the daily roll-ups.
SqlWhere DaysIn(const CallContext& call, const DaySpan& period, const std::string& alias);
// Orders or order lines (alias `alias`) that are sales within `period`,
// under the caller's scope.
SqlWhere SalesIn(const CallContext& call, const DaySpan& period, const std::string& alias);

// Customers ranked by their sales in a period, most first (ties by id):
// 16 bytes a customer, ranked in memory (see ReportRepository::Abc).
struct CustomerRanking {
  struct Entry {
    int64_t amount = 0;
    int64_t customer_id = 0;
  };
  std::vector<Entry> entries;
  int64_t total_amount = 0;
};

// "FROM orders o" for a per-customer GROUP BY over `period`, with the
// index that groups fastest for its length (migrations/V0007).
std::string OrdersPerCustomer(const DaySpan& period);

class ReportRepository {
 public:
  // `zone`: the company's (what "today" is).
  ReportRepository(Database& db, absl::TimeZone zone) : db_(db), zone_(zone) {}

  absl::TimeZone zone() const { return zone_; }

  absl::StatusOr<v1::CustomerComposition> CustomerComposition(const CallContext& call,
                                                              v1::CustomerDimension dimension);
  absl::StatusOr<v1::SalesReport> Sales(const CallContext& call, const DaySpan& period,
                                        v1::Bucket bucket, v1::SalesGrouping grouping);
  absl::StatusOr<v1::AbcAnalysis> Abc(const CallContext& call, const DaySpan& period,
                                      AbcCutoffs cutoffs, const PageRequest& page);
  // Abc's two halves: the ranking, then ranks [first, first + count) of it
  // with their classes and names, and every class's totals (no page token).
  absl::StatusOr<CustomerRanking> RankCustomers(const CallContext& call, const DaySpan& period);
  absl::StatusOr<v1::AbcAnalysis> AbcRows(const CallContext& call, const CustomerRanking& ranking,
                                          AbcCutoffs cutoffs, size_t first, size_t count);
  absl::StatusOr<v1::ProductSales> ProductSales(const CallContext& call, const DaySpan& period);
  // In sales_funnel.cc.
  absl::StatusOr<v1::SalesFunnel> Funnel(const CallContext& call, const DaySpan& period);

  // In service_reports.cc.
  absl::StatusOr<v1::ServiceReport> Service(const CallContext& call, const DaySpan& period);
  absl::StatusOr<v1::SatisfactionReport> Satisfaction(const CallContext& call,
                                                      const DaySpan& period, v1::Bucket bucket,
                                                      v1::SatisfactionGrouping grouping);
  absl::StatusOr<v1::Dashboard> Dashboard(const CallContext& call, const DaySpan& period);
  // The caller's own open requests, not yet breached, at risk by the end of
  // `last_day` (at most 1,000, soonest first).
  absl::StatusOr<std::vector<AtRiskRequest>> AtRiskRequests(const CallContext& call,
                                                            absl::CivilDay last_day);

  // In people_reports.cc.
  // With `min_sales`: only customers whose sales in the `sales_days` up to
  // today reached it (high-value customers going quiet).
  absl::StatusOr<v1::ChurnList> Churn(const CallContext& call, int quiet_days,
                                      std::optional<int64_t> min_sales, int sales_days,
                                      const PageRequest& page);
  absl::StatusOr<v1::SalesPersonEvaluation> Evaluation(const CallContext& call,
                                                       const DaySpan& period);

  // In receivable_reports.cc.
  absl::StatusOr<v1::ReceivablesReport> Receivables(const CallContext& call,
                                                    v1::ReceivablesGrouping grouping,
                                                    const PageRequest& page);
  // Every receivable the caller sees as one row (key 0), on `connection`.
  absl::StatusOr<v1::ReceivablesRow> ReceivablesTotal(MySqlConnection& connection,
                                                      const CallContext& call);
  absl::StatusOr<v1::CollectionsReport> Collections(const CallContext& call, const DaySpan& period,
                                                    v1::Bucket bucket);
  // Campaigns running at some point of `running` (every one when not given).
  absl::StatusOr<v1::CampaignReturn> CampaignReturn(const CallContext& call,
                                                    const std::optional<DaySpan>& running,
                                                    const PageRequest& page);
  // The caller's own contracts' open instalments due by the end of
  // `last_day` (at most 1,000, soonest first).
  absl::StatusOr<std::vector<InstalmentDue>> InstalmentsDue(const CallContext& call,
                                                            absl::CivilDay last_day);

  // In customer_reports.cc.
  absl::StatusOr<v1::GradeChanges> GradeChanges(const CallContext& call, const DaySpan& period,
                                                const PageRequest& page);
  absl::StatusOr<v1::CustomerContribution> Contribution(const CallContext& call,
                                                        const DaySpan& period,
                                                        const PageRequest& page);

  // In target_reports.cc. `customer_id` 0: every customer.
  absl::StatusOr<v1::SeasonalIndex> Seasonal(const CallContext& call, int last_year,
                                             int64_t customer_id,
                                             std::optional<int64_t> annual_target);
  // All or nothing; NOT_FOUND naming targets[i] for an employee the org
  // feed has not shown or outside the caller's reach.
  absl::StatusOr<int> SetTargets(const CallContext& call,
                                 const std::vector<v1::SalesTarget>& targets);
  // `employee_id` 0: everyone the caller sees.
  absl::StatusOr<v1::TargetAttainment> Attainment(const CallContext& call, absl::CivilMonth from,
                                                  absl::CivilMonth to, int64_t employee_id);

  // In export_lists.cc: the next rows after `after_id` (at most `limit`) of
  // a list as CSV cells; returns the last id added (or
  // `after_id` when none was).
  absl::StatusOr<int64_t> CustomerRows(const CallContext& call,
                                       const std::optional<DaySpan>& created, int64_t after_id,
                                       size_t limit, std::vector<CsvRow>& rows);
  absl::StatusOr<int64_t> OrderRows(const CallContext& call, const std::optional<DaySpan>& dated,
                                    int64_t after_id, size_t limit, std::vector<CsvRow>& rows);
  absl::StatusOr<int64_t> ContactRows(const CallContext& call, const std::optional<DaySpan>& made,
                                      int64_t after_id, size_t limit, std::vector<CsvRow>& rows);
  absl::StatusOr<int64_t> RequestRows(const CallContext& call,
                                      const std::optional<DaySpan>& created, int64_t after_id,
                                      size_t limit, std::vector<CsvRow>& rows);

  // Each feed's stored cursor and its change's commit time (lag_seconds and
  // failed_polls are the process's own, filled by the caller).
  absl::StatusOr<v1::GetFeedStatusResponse> FeedPositions(const CallContext& call);
  // Pauses the feeds, empties ReadModel::FedTables() and sets every cursor
  // back to 0; on failure the feeds stay paused (GetFeedStatus shows a
  // negative sequence) until a rebuild succeeds.
  absl::Status Rebuild(const CallContext& call);

 private:
  Database& db_;
  const absl::TimeZone zone_;
};

}  // namespace crm::reporting
