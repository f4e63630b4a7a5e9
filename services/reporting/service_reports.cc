// ReportRepository's service reports (R37, R40) and the dashboard (R41), over
// the feedback feed's requests (service_request_model.h) and the sales and
// customer tables.
#include <cppconn/prepared_statement.h>
#include <cppconn/resultset.h>

#include <memory>

#include "absl/strings/str_cat.h"
#include "common/base/money.h"
#include "common/base/status_util.h"
#include "common/db/database.h"
#include "common/db/sql_time.h"
#include "common/db/sql_where.h"
#include "common/db/visibility.h"
#include "crm/feedback/v1/service_request.pb.h"
#include "services/reporting/report_repository.h"

namespace crm::reporting {
namespace {

namespace fv1 = feedback::v1;

// Requests (alias r) under the caller's scope, created within `period`.
SqlWhere RequestsCreatedIn(const CallContext& call, const DaySpan& period) {
  SqlWhere where;
  where.And("r.created_date BETWEEN ? AND ?", {period.start, period.end});
  RestrictToScope(where, ScopeOf(call.caller), "r.owner_id", "r.owner_department_path");
  return where;
}

// SQL conditions on a request's resolution clock as of a bound time (each
// '?' is "now").
constexpr const char* kBreachedNow =
    "(r.resolution_breached = 1 OR (r.resolution_running = 1 AND r.resolution_due_at <= ?))";
constexpr const char* kAtRiskNow =
    "(r.resolution_running = 1 AND r.resolution_breached = 0 AND r.resolution_at_risk_at <= ?"
    " AND r.resolution_due_at > ?)";
// Not yet resolved (feedback.v1.RequestStatus CREATED … WAITING_FOR_CUSTOMER).
constexpr const char* kOpen = "r.status BETWEEN 1 AND 4";

}  // namespace

absl::StatusOr<v1::ServiceReport> ReportRepository::Service(const CallContext& call,
                                                            const DaySpan& period) {
  const std::string now = FormatSqlDateTime(call.Now());
  return db_.RunInSnapshot(
      "report.service", call.deadline,
      [&](MySqlConnection& c) -> absl::StatusOr<v1::ServiceReport> {
        const SqlWhere where = RequestsCreatedIn(call, period);
        v1::ServiceReport report;
        sql::PreparedStatement& composition = c.Prepare(
            absl::StrCat("SELECT r.type, r.status, COUNT(*) FROM service_requests r", where.Sql(),
                         " GROUP BY r.type, r.status ORDER BY r.type, r.status"));
        where.Bind(composition);
        std::unique_ptr<sql::ResultSet> rs(composition.executeQuery());
        while (rs->next()) {
          v1::ServiceCompositionRow* row = report.add_composition();
          row->set_type(fv1::RequestType_Name(rs->getInt(1)));
          row->set_status(fv1::RequestStatus_Name(rs->getInt(2)));
          row->set_requests(rs->getInt64(3));
          report.set_requests(report.requests() + row->requests());
        }
        sql::PreparedStatement& sla =
            c.Prepare(absl::StrCat("SELECT r.priority, COUNT(*), SUM(r.status >= 5 AND NOT ",
                                   kBreachedNow, "), SUM(", kBreachedNow, "), SUM(", kAtRiskNow,
                                   "), SUM(r.response_breached = 1) FROM service_requests r",
                                   where.Sql(), " GROUP BY r.priority ORDER BY r.priority"));
        for (int i = 1; i <= 4; ++i) sla.setDateTime(i, now);
        where.Bind(sla, 5);
        rs.reset(sla.executeQuery());
        while (rs->next()) {
          v1::SlaRow* row = report.add_sla();
          row->set_priority(fv1::Priority_Name(rs->getInt(1)));
          row->set_requests(rs->getInt64(2));
          row->set_resolved_within_target(rs->getInt64(3));
          row->set_breached(rs->getInt64(4));
          row->set_at_risk(rs->getInt64(5));
          row->set_response_breached(rs->getInt64(6));
        }
        return report;
      });
}

absl::StatusOr<v1::SatisfactionReport> ReportRepository::Satisfaction(
    const CallContext& call, const DaySpan& period, v1::Bucket bucket,
    v1::SatisfactionGrouping grouping) {
  CRM_ASSIGN_OR_RETURN(const std::string bucket_sql, BucketSql(bucket, "r.feedback_date"));
  const char* key = "''";
  const char* name = "''";
  const char* join = "";
  switch (grouping) {
    case v1::SATISFACTION_GROUPING_UNSPECIFIED:
      break;
    case v1::BY_REQUEST_TYPE:
      key = "r.type";
      break;
    case v1::BY_HANDLER:
      key = "r.handler_id";
      name = "MAX(COALESCE(n.name, ''))";
      join = " LEFT JOIN employee_names n ON n.id = r.handler_id";
      break;
    default:
      return InvalidField("grouping", "is not a known grouping");
  }
  return db_.RunInSnapshot(
      "report.satisfaction", call.deadline,
      [&](MySqlConnection& c) -> absl::StatusOr<v1::SatisfactionReport> {
        SqlWhere where;
        where.And("r.satisfaction > 0");
        where.And("r.feedback_date BETWEEN ? AND ?", {period.start, period.end});
        RestrictToScope(where, ScopeOf(call.caller), "r.owner_id", "r.owner_department_path");
        sql::PreparedStatement& stmt =
            c.Prepare(absl::StrCat("SELECT ", bucket_sql, " AS b, ", key, " AS g, ", name,
                                   ", COUNT(*), SUM(r.satisfaction), SUM(r.satisfaction >= 4),"
                                   " SUM(r.satisfaction <= 2) FROM service_requests r",
                                   join, where.Sql(), " GROUP BY b, g ORDER BY b, g"));
        where.Bind(stmt);
        std::unique_ptr<sql::ResultSet> rs(stmt.executeQuery());
        v1::SatisfactionReport report;
        int64_t score_sum = 0;
        while (rs->next()) {
          v1::SatisfactionRow* row = report.add_rows();
          row->set_bucket(rs->getString(1));
          row->set_group_key(grouping == v1::BY_REQUEST_TYPE ? fv1::RequestType_Name(rs->getInt(2))
                                                             : std::string(rs->getString(2)));
          row->set_group_name(rs->getString(3));
          row->set_responses(rs->getInt64(4));
          const int64_t scores = rs->getInt64(5);
          row->set_average_centi(
              static_cast<int32_t>(DivideRoundingHalfUp(scores * 100, row->responses())));
          row->set_satisfied(rs->getInt64(6));
          row->set_dissatisfied(rs->getInt64(7));
          report.set_responses(report.responses() + row->responses());
          score_sum += scores;
        }
        if (report.responses() > 0) {
          report.set_average_centi(
              static_cast<int32_t>(DivideRoundingHalfUp(score_sum * 100, report.responses())));
        }
        return report;
      });
}

absl::StatusOr<v1::Dashboard> ReportRepository::Dashboard(const CallContext& call,
                                                          const DaySpan& period) {
  const std::string now = FormatSqlDateTime(call.Now());
  const VisibilityScope scope = ScopeOf(call.caller);
  return db_.RunInSnapshot(
      "report.dashboard", call.deadline, [&](MySqlConnection& c) -> absl::StatusOr<v1::Dashboard> {
        v1::Dashboard dashboard;
        const SqlWhere sales = DaysIn(call, period, "d");
        sql::PreparedStatement& sold = c.Prepare(
            absl::StrCat("SELECT CAST(COALESCE(SUM(d.orders), 0) AS SIGNED),"
                         " CAST(COALESCE(SUM(d.amount_fen), 0) AS CHAR) FROM sales_days d",
                         sales.Sql()));
        sales.Bind(sold);
        std::unique_ptr<sql::ResultSet> rs(sold.executeQuery());
        rs->next();
        dashboard.set_orders(rs->getInt64(1));
        CRM_ASSIGN_OR_RETURN(const int64_t amount, SumToFen(rs->getString(2), "sales amount"));
        *dashboard.mutable_sales() = Fen(amount);

        SqlWhere customers;
        customers.And("c.live = 1");
        RestrictToScope(customers, scope, "c.owner_id", "c.owner_department_path");
        sql::PreparedStatement& counted = c.Prepare(absl::StrCat(
            "SELECT COUNT(*), COALESCE(SUM(c.created_date BETWEEN ? AND ?), 0) FROM customers c",
            customers.Sql()));
        counted.setString(1, period.start);
        counted.setString(2, period.end);
        customers.Bind(counted, 3);
        rs.reset(counted.executeQuery());
        rs->next();
        dashboard.set_customers(rs->getInt64(1));
        dashboard.set_new_customers(rs->getInt64(2));

        SqlWhere open;
        open.And(kOpen);
        RestrictToScope(open, scope, "r.owner_id", "r.owner_department_path");
        sql::PreparedStatement& requests = c.Prepare(
            absl::StrCat("SELECT COUNT(*), COALESCE(SUM(", kBreachedNow, "), 0), COALESCE(SUM(",
                         kAtRiskNow, "), 0) FROM service_requests r", open.Sql()));
        for (int i = 1; i <= 3; ++i) requests.setDateTime(i, now);
        open.Bind(requests, 4);
        rs.reset(requests.executeQuery());
        rs->next();
        dashboard.set_open_requests(rs->getInt64(1));
        dashboard.set_sla_breaches(rs->getInt64(2));
        dashboard.set_requests_at_risk(rs->getInt64(3));

        CRM_ASSIGN_OR_RETURN(const v1::ReceivablesRow receivables, ReceivablesTotal(c, call));
        *dashboard.mutable_overdue_receivables() = receivables.overdue();
        *dashboard.mutable_outstanding_receivables() = receivables.outstanding();
        return dashboard;
      });
}

absl::StatusOr<std::vector<AtRiskRequest>> ReportRepository::AtRiskRequests(
    const CallContext& call, absl::CivilDay last_day) {
  if (call.caller.employee_id == 0) return std::vector<AtRiskRequest>();
  const std::string now = FormatSqlDateTime(call.Now());
  const std::string before = FormatSqlDateTime(absl::FromCivil(last_day + 1, zone_));
  return db_.RunInSnapshot(
      "report.at_risk", call.deadline,
      [&](MySqlConnection& c) -> absl::StatusOr<std::vector<AtRiskRequest>> {
        sql::PreparedStatement& stmt = c.Prepare(absl::StrCat(
            "SELECT r.id, r.customer_id, r.subject, r.resolution_at_risk_at"
            " FROM service_requests r WHERE r.owner_id = ? AND r.resolution_running = 1"
            " AND r.resolution_breached = 0 AND ",
            kOpen,
            " AND r.resolution_due_at > ? AND r.resolution_at_risk_at < ?"
            " ORDER BY r.resolution_at_risk_at, r.id LIMIT 1000"));
        stmt.setInt64(1, call.caller.employee_id);
        stmt.setDateTime(2, now);
        stmt.setDateTime(3, before);
        std::unique_ptr<sql::ResultSet> rs(stmt.executeQuery());
        std::vector<AtRiskRequest> requests;
        while (rs->next()) {
          AtRiskRequest r;
          r.id = rs->getInt64(1);
          r.customer_id = rs->getInt64(2);
          r.subject = rs->getString(3);
          absl::StatusOr<absl::Time> at = ParseSqlDateTime(rs->getString(4));
          if (!at.ok()) continue;
          r.at_risk_day = absl::ToCivilDay(*at, zone_);
          requests.push_back(std::move(r));
        }
        return requests;
      });
}

}  // namespace crm::reporting
