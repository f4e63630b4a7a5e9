// ReportRepository's grade changes (R39) and customer contribution (R37).
#include <cppconn/prepared_statement.h>
#include <cppconn/resultset.h>

#include <memory>

#include "absl/strings/str_cat.h"
#include "common/base/money.h"
#include "common/base/status_util.h"
#include "common/db/database.h"
#include "common/db/sql_where.h"
#include "common/db/visibility.h"
#include "crm/customer/v1/customer.pb.h"
#include "services/reporting/report_repository.h"

namespace crm::reporting {
namespace {

std::string GradeName(int grade) { return customer::v1::CustomerGrade_Name(grade); }

// Each customer's counted orders in the period: orders, sales and margin
// (the orders' amount less their lines' cost), read with OrdersPerCustomer.
constexpr char kPerCustomer[] =
    "SELECT o.customer_id AS customer_id, COUNT(*) AS orders, SUM(o.total_fen) AS amount,"
    " SUM(o.total_fen - o.cost_fen) AS margin ";

}  // namespace

absl::StatusOr<v1::GradeChanges> ReportRepository::GradeChanges(const CallContext& call,
                                                                const DaySpan& period,
                                                                const PageRequest& page) {
  CRM_ASSIGN_OR_RETURN(const auto after, page.After<int64_t>());
  const VisibilityScope scope = ScopeOf(call.caller);
  return db_.RunInSnapshot(
      "report.grade_changes", call.deadline,
      [&](MySqlConnection& c) -> absl::StatusOr<v1::GradeChanges> {
        SqlWhere where;
        where.And("g.change_date BETWEEN ? AND ?", {period.start, period.end});
        RestrictToScope(where, scope, "g.owner_id", "g.owner_department_path");
        v1::GradeChanges report;
        if (!after) {
          sql::PreparedStatement& moves = c.Prepare(
              absl::StrCat("SELECT g.from_grade, g.to_grade, COUNT(*) FROM grade_changes g",
                           where.Sql(), " GROUP BY 1, 2 ORDER BY 1, 2"));
          where.Bind(moves);
          std::unique_ptr<sql::ResultSet> rs(moves.executeQuery());
          while (rs->next()) {
            v1::GradeMove* move = report.add_moves();
            move->set_from_grade(GradeName(rs->getInt(1)));
            move->set_to_grade(GradeName(rs->getInt(2)));
            move->set_changes(rs->getInt64(3));
          }
        }
        // The customer feed's sequence orders the changes as they were made.
        if (after) where.And("g.sequence < ?", {std::get<0>(*after)});
        sql::PreparedStatement& list = c.Prepare(absl::StrCat(
            "SELECT g.customer_id, COALESCE(c.name, ''), DATE_FORMAT(g.change_date, '%Y-%m-%d'),"
            " g.from_grade, g.to_grade, g.owner_id, g.sequence FROM grade_changes g"
            " LEFT JOIN customers c ON c.id = g.customer_id",
            where.Sql(), " ORDER BY g.sequence DESC LIMIT ?"));
        list.setInt(where.Bind(list), page.size() + 1);
        std::unique_ptr<sql::ResultSet> rs(list.executeQuery());
        int64_t last_sequence = 0;
        bool has_more = false;
        while (rs->next()) {
          if (report.rows_size() == page.size()) {
            has_more = true;
            break;
          }
          v1::GradeChangeRow* row = report.add_rows();
          row->set_customer_id(rs->getInt64(1));
          row->set_customer_name(rs->getString(2));
          row->set_change_date(rs->getString(3));
          row->set_from_grade(GradeName(rs->getInt(4)));
          row->set_to_grade(GradeName(rs->getInt(5)));
          row->set_owner_employee_id(rs->getInt64(6));
          last_sequence = rs->getInt64(7);
        }
        if (has_more) {
          report.set_next_page_token(page.NextToken(true, {absl::StrCat(last_sequence)}));
        }
        return report;
      });
}

absl::StatusOr<v1::CustomerContribution> ReportRepository::Contribution(const CallContext& call,
                                                                        const DaySpan& period,
                                                                        const PageRequest& page) {
  CRM_ASSIGN_OR_RETURN(const auto after, (page.After<int64_t, int64_t>()));
  return db_.RunInSnapshot(
      "report.contribution", call.deadline,
      [&](MySqlConnection& c) -> absl::StatusOr<v1::CustomerContribution> {
        const SqlWhere where = SalesIn(call, period, "o");
        v1::CustomerContribution report;
        sql::PreparedStatement& totals =
            c.Prepare(absl::StrCat("SELECT CAST(COALESCE(SUM(o.total_fen), 0) AS CHAR),"
                                   " CAST(COALESCE(SUM(o.total_fen - o.cost_fen), 0) AS CHAR)"
                                   " FROM orders o",
                                   where.Sql()));
        where.Bind(totals);
        std::unique_ptr<sql::ResultSet> rs(totals.executeQuery());
        rs->next();
        CRM_ASSIGN_OR_RETURN(const int64_t total_amount, SumToFen(rs->getString(1), "sales"));
        CRM_ASSIGN_OR_RETURN(const int64_t total_margin, SumToFen(rs->getString(2), "margin"));
        *report.mutable_total_amount() = Fen(total_amount);
        *report.mutable_total_margin() = Fen(total_margin);

        // Largest margin first; a page starts after (margin, customer id).
        std::string having;
        std::vector<SqlWhere::Value> having_values;
        if (after) {
          const auto& [margin, id] = *after;
          having = " HAVING margin < ? OR (margin = ? AND customer_id > ?)";
          having_values = {margin, margin, id};
        }
        sql::PreparedStatement& list = c.Prepare(absl::StrCat(
            "SELECT p.customer_id, COALESCE(k.name, ''), p.orders, CAST(p.amount AS CHAR),"
            " CAST(p.margin AS CHAR) FROM (",
            kPerCustomer, OrdersPerCustomer(period), where.Sql(), " GROUP BY o.customer_id", having,
            " ORDER BY margin DESC, customer_id LIMIT ?) p"
            " LEFT JOIN customers k ON k.id = p.customer_id ORDER BY p.margin DESC,"
            " p.customer_id"));
        int next = where.Bind(list);
        for (const SqlWhere::Value& v : having_values) {
          list.setInt64(next++, std::get<int64_t>(v));
        }
        list.setInt(next, page.size() + 1);
        rs.reset(list.executeQuery());
        bool has_more = false;
        while (rs->next()) {
          if (report.rows_size() == page.size()) {
            has_more = true;
            break;
          }
          v1::ContributionRow* row = report.add_rows();
          row->set_customer_id(rs->getInt64(1));
          row->set_customer_name(rs->getString(2));
          row->set_orders(rs->getInt64(3));
          CRM_ASSIGN_OR_RETURN(const int64_t amount, SumToFen(rs->getString(4), "sales"));
          CRM_ASSIGN_OR_RETURN(const int64_t margin, SumToFen(rs->getString(5), "margin"));
          *row->mutable_amount() = Fen(amount);
          row->set_share_bp(ShareBasisPoints(amount, total_amount));
          *row->mutable_gross_margin() = Fen(margin);
          row->set_margin_share_bp(ShareBasisPoints(margin, total_margin));
        }
        if (has_more) {
          const v1::ContributionRow& last = report.rows(report.rows_size() - 1);
          report.set_next_page_token(page.NextToken(
              true,
              {absl::StrCat(last.gross_margin().minor_units()), absl::StrCat(last.customer_id())}));
        }
        return report;
      });
}

}  // namespace crm::reporting
