// ReportRepository's churn list (R37) and sales person evaluation (R39).
#include <cppconn/prepared_statement.h>
#include <cppconn/resultset.h>

#include <algorithm>
#include <map>
#include <memory>

#include "absl/strings/str_cat.h"
#include "common/base/dates.h"
#include "common/base/money.h"
#include "common/base/status_util.h"
#include "common/db/database.h"
#include "common/db/sql_where.h"
#include "common/db/visibility.h"
#include "services/reporting/report_repository.h"

namespace crm::reporting {

absl::StatusOr<v1::ChurnList> ReportRepository::Churn(const CallContext& call, int quiet_days,
                                                      std::optional<int64_t> min_sales,
                                                      int sales_days, const PageRequest& page) {
  CRM_ASSIGN_OR_RETURN(const auto after, (page.After<std::string, int64_t>()));
  const absl::CivilDay today = absl::ToCivilDay(call.Now(), zone_);
  const std::string today_text = FormatIsoDate(today);
  const std::string cutoff = FormatIsoDate(today - quiet_days);
  return db_.RunInSnapshot(
      "report.churn", call.deadline, [&](MySqlConnection& c) -> absl::StatusOr<v1::ChurnList> {
        SqlWhere where;
        where.And("a.last_activity < ?", {cutoff});
        where.And("c.live = 1");
        if (after) {
          const auto& [last, id] = *after;
          where.And("(a.last_activity > ? OR (a.last_activity = ? AND a.customer_id > ?))",
                    {last, last, id});
        }
        RestrictToScope(where, ScopeOf(call.caller), "c.owner_id", "c.owner_department_path");
        // High value: sales in the window reaching min_sales.
        const std::string high_value =
            min_sales ? " JOIN (SELECT o.customer_id, SUM(o.total_fen) AS sales FROM orders o"
                        " WHERE o.counted = 1 AND o.order_date BETWEEN ? AND ?"
                        " GROUP BY o.customer_id HAVING sales >= ?) s ON s.customer_id = c.id"
                      : "";
        sql::PreparedStatement& stmt = c.Prepare(absl::StrCat(
            "SELECT c.id, c.name, c.owner_id, COALESCE(n.name, ''),"
            " COALESCE(DATE_FORMAT(a.last_order_date, '%Y-%m-%d'), ''),"
            " COALESCE(DATE_FORMAT(a.last_contact_date, '%Y-%m-%d'), ''),"
            " DATE_FORMAT(a.last_activity, '%Y-%m-%d'), DATEDIFF(?, a.last_activity), ",
            min_sales ? "CAST(s.sales AS CHAR)" : "'0'",
            " FROM customer_activity a JOIN customers c ON c.id = a.customer_id", high_value,
            " LEFT JOIN employee_names n ON n.id = c.owner_id", where.Sql(),
            " ORDER BY a.last_activity, a.customer_id LIMIT ?"));
        int first = 1;
        stmt.setString(first++, today_text);
        if (min_sales) {
          stmt.setString(first++, FormatIsoDate(today - (sales_days - 1)));
          stmt.setString(first++, today_text);
          stmt.setInt64(first++, *min_sales);
        }
        const int next = where.Bind(stmt, first);
        stmt.setInt(next, page.size() + 1);
        std::unique_ptr<sql::ResultSet> rs(stmt.executeQuery());
        v1::ChurnList list;
        bool has_more = false;
        while (rs->next()) {
          if (list.rows_size() == page.size()) {
            has_more = true;
            break;
          }
          v1::ChurnRow* row = list.add_rows();
          row->set_customer_id(rs->getInt64(1));
          row->set_customer_name(rs->getString(2));
          row->set_owner_employee_id(rs->getInt64(3));
          row->set_owner_name(rs->getString(4));
          row->set_last_order_date(rs->getString(5));
          row->set_last_contact_date(rs->getString(6));
          row->set_last_activity_date(rs->getString(7));
          row->set_quiet_days(rs->getInt(8));
          CRM_ASSIGN_OR_RETURN(const int64_t sales, SumToFen(rs->getString(9), "sales"));
          if (min_sales) *row->mutable_sales() = Fen(sales);
        }
        if (has_more) {
          const v1::ChurnRow& last = list.rows(list.rows_size() - 1);
          list.set_next_page_token(
              page.NextToken(true, {last.last_activity_date(), absl::StrCat(last.customer_id())}));
        }
        return list;
      });
}

absl::StatusOr<v1::SalesPersonEvaluation> ReportRepository::Evaluation(const CallContext& call,
                                                                       const DaySpan& period) {
  const VisibilityScope scope = ScopeOf(call.caller);
  return db_.RunInSnapshot(
      "report.evaluation", call.deadline,
      [&](MySqlConnection& c) -> absl::StatusOr<v1::SalesPersonEvaluation> {
        std::map<int64_t, v1::SalesPersonRow> people;
        // Runs one "SELECT <owner>, <name>, <figures…>" grouped by owner and
        // hands each row to `take`.
        auto each = [&](const std::string& select, const std::string& from, SqlWhere where,
                        const char* owner, const char* path, auto take) -> absl::Status {
          RestrictToScope(where, scope, owner, path);
          sql::PreparedStatement& stmt = c.Prepare(
              absl::StrCat("SELECT ", select, " FROM ", from, where.Sql(), " GROUP BY 1"));
          where.Bind(stmt);
          std::unique_ptr<sql::ResultSet> rs(stmt.executeQuery());
          while (rs->next()) {
            if (rs->getInt64(1) == 0) continue;  // nobody (the pool)
            v1::SalesPersonRow& row = people[rs->getInt64(1)];
            row.set_employee_id(rs->getInt64(1));
            row.set_name(rs->getString(2));
            CRM_RETURN_IF_ERROR(take(row, *rs));
          }
          return absl::OkStatus();
        };
        const std::string name = "MAX(COALESCE(n.name, ''))";
        SqlWhere sold;
        sold.And("d.orders > 0");  // a day whose orders were all cancelled holds nothing
        sold.And("d.order_date BETWEEN ? AND ?", {period.start, period.end});
        CRM_RETURN_IF_ERROR(
            each(absl::StrCat("d.owner_id, ", name,
                              ", CAST(SUM(d.orders) AS SIGNED), CAST(SUM(d.amount_fen) AS CHAR)"),
                 "sales_days d LEFT JOIN employee_names n ON n.id = d.owner_id", sold, "d.owner_id",
                 "d.owner_department_path",
                 [](v1::SalesPersonRow& row, sql::ResultSet& rs) -> absl::Status {
                   row.set_orders(rs.getInt64(3));
                   CRM_ASSIGN_OR_RETURN(const int64_t amount, SumToFen(rs.getString(4), "amount"));
                   *row.mutable_amount() = Fen(amount);
                   return absl::OkStatus();
                 }));
        SqlWhere created;
        created.And("c.live = 1");
        created.And("c.created_date BETWEEN ? AND ?", {period.start, period.end});
        CRM_RETURN_IF_ERROR(each(absl::StrCat("c.owner_id, ", name, ", COUNT(*)"),
                                 "customers c LEFT JOIN employee_names n ON n.id = c.owner_id",
                                 created, "c.owner_id", "c.owner_department_path",
                                 [](v1::SalesPersonRow& row, sql::ResultSet& rs) {
                                   row.set_new_customers(rs.getInt64(3));
                                   return absl::OkStatus();
                                 }));
        SqlWhere contacted;
        contacted.And("r.contact_date BETWEEN ? AND ?", {period.start, period.end});
        CRM_RETURN_IF_ERROR(
            each(absl::StrCat("r.owner_id, ", name, ", COUNT(*)"),
                 "contact_records r LEFT JOIN employee_names n ON n.id = r.owner_id", contacted,
                 "r.owner_id", "r.owner_department_path",
                 [](v1::SalesPersonRow& row, sql::ResultSet& rs) {
                   row.set_contact_records(rs.getInt64(3));
                   return absl::OkStatus();
                 }));
        SqlWhere scored;
        scored.And("r.satisfaction > 0");
        scored.And("r.feedback_date BETWEEN ? AND ?", {period.start, period.end});
        CRM_RETURN_IF_ERROR(each(
            absl::StrCat("r.handler_id, ", name, ", COUNT(*), SUM(r.satisfaction)"),
            "service_requests r LEFT JOIN employee_names n ON n.id = r.handler_id", scored,
            "r.owner_id", "r.owner_department_path",
            [](v1::SalesPersonRow& row, sql::ResultSet& rs) {
              row.set_satisfaction_responses(rs.getInt64(3));
              row.set_average_satisfaction_centi(
                  static_cast<int32_t>(DivideRoundingHalfUp(rs.getInt64(4) * 100, rs.getInt64(3))));
              return absl::OkStatus();
            }));
        v1::SalesPersonEvaluation evaluation;
        for (auto& [id, row] : people) *evaluation.add_rows() = std::move(row);
        std::stable_sort(evaluation.mutable_rows()->begin(), evaluation.mutable_rows()->end(),
                         [](const v1::SalesPersonRow& a, const v1::SalesPersonRow& b) {
                           return a.amount().minor_units() > b.amount().minor_units();
                         });
        return evaluation;
      });
}

}  // namespace crm::reporting
