// ReportRepository's seasonal index (R35) and sales targets: the targets are
// the one thing in this schema that callers write.
#include <cppconn/prepared_statement.h>
#include <cppconn/resultset.h>

#include <map>
#include <memory>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "common/base/dates.h"
#include "common/base/money.h"
#include "common/base/status_util.h"
#include "common/db/database.h"
#include "common/db/sql_where.h"
#include "common/db/visibility.h"
#include "common/feed/change_log.h"
#include "services/reporting/report_repository.h"

namespace crm::reporting {
namespace {

constexpr int kYears = 3;

std::string MonthText(int year, int month) { return absl::StrFormat("%04d-%02d", year, month); }

// The scope's condition on an employee (their targets) through the org
// feed's view of where they work.
void RestrictTargets(SqlWhere& where, const VisibilityScope& scope) {
  RestrictToScope(where, scope, "t.employee_id", "COALESCE(d.department_path, '')");
}

}  // namespace

absl::StatusOr<v1::SeasonalIndex> ReportRepository::Seasonal(const CallContext& call, int last_year,
                                                             int64_t customer_id,
                                                             std::optional<int64_t> annual_target) {
  const int first_year = last_year - kYears + 1;
  return db_.RunInSnapshot(
      "report.seasonal", call.deadline,
      [&](MySqlConnection& c) -> absl::StatusOr<v1::SeasonalIndex> {
        // One customer's from their orders; everyone's from the daily roll-up.
        const DaySpan years{absl::StrFormat("%04d-01-01", first_year),
                            absl::StrFormat("%04d-12-31", last_year)};
        SqlWhere where = customer_id != 0 ? SalesIn(call, years, "o") : DaysIn(call, years, "o");
        if (customer_id != 0) where.And("o.customer_id = ?", {customer_id});
        sql::PreparedStatement& stmt = c.Prepare(absl::StrCat(
            "SELECT YEAR(o.order_date), MONTH(o.order_date),"
            " CAST(COALESCE(SUM(o.",
            customer_id != 0 ? "total_fen" : "amount_fen", "), 0) AS CHAR) FROM ",
            customer_id != 0 ? "orders" : "sales_days", " o", where.Sql(), " GROUP BY 1, 2"));
        where.Bind(stmt);
        std::unique_ptr<sql::ResultSet> rs(stmt.executeQuery());
        int64_t sales[12][kYears] = {};
        while (rs->next()) {
          CRM_ASSIGN_OR_RETURN(sales[rs->getInt(2) - 1][rs->getInt(1) - first_year],
                               SumToFen(rs->getString(3), "monthly sales"));
        }
        std::vector<int64_t> month_sums(12, 0);
        __int128 total = 0;
        for (int m = 0; m < 12; ++m) {
          for (int y = 0; y < kYears; ++y) month_sums[m] += sales[m][y];
          total += month_sums[m];
        }
        if (total > INT64_MAX) return absl::OutOfRangeError("three years' sales pass int64 fen");
        // No sales: a flat year.
        const std::vector<int64_t> weights = total > 0 ? month_sums : std::vector<int64_t>(12, 1);
        const std::vector<int64_t> targets =
            ShareByLargestRemainder(annual_target.value_or(0), weights);
        v1::SeasonalIndex index;
        index.set_first_year(first_year);
        index.set_last_year(last_year);
        *index.mutable_total() = Fen(static_cast<int64_t>(total));
        for (int m = 0; m < 12; ++m) {
          v1::SeasonalMonth* month = index.add_months();
          month->set_month(m + 1);
          for (int y = 0; y < kYears; ++y) *month->add_sales() = Fen(sales[m][y]);
          *month->mutable_average() = Fen(DivideRoundingHalfUp(month_sums[m], kYears));
          // (Σ month / 3) / (Σ all / 36) = 12 × Σ month / Σ all.
          month->set_index_bp(
              total > 0 ? static_cast<int32_t>(DivideRoundingHalfUp(
                              static_cast<__int128>(month_sums[m]) * 12 * kBasisPoints, total))
                        : kBasisPoints);
          if (annual_target) *month->mutable_target() = Fen(targets[m]);
        }
        return index;
      });
}

absl::StatusOr<int> ReportRepository::SetTargets(const CallContext& call,
                                                 const std::vector<v1::SalesTarget>& targets) {
  const VisibilityScope scope = WriteScopeOf(call.caller);
  return db_.RunInTransaction(
      "targets.set", call.deadline, [&](MySqlConnection& c) -> absl::StatusOr<int> {
        for (size_t i = 0; i < targets.size(); ++i) {
          const v1::SalesTarget& t = targets[i];
          // Someone the org feed has told of, and within the caller's reach;
          // anyone else is "not found" (the answer shows no more than that).
          sql::PreparedStatement& where_works =
              c.Prepare("SELECT department_path FROM owner_departments WHERE employee_id = ?");
          where_works.setInt64(1, t.employee_id());
          std::unique_ptr<sql::ResultSet> rs(where_works.executeQuery());
          if (!rs->next() || !InScope(scope, t.employee_id(), rs->getString(1))) {
            return absl::NotFoundError(absl::StrCat("targets[", i, "].employee_id: employee ",
                                                    t.employee_id(), " not found"));
          }
          sql::PreparedStatement& upsert = c.Prepare(
              "INSERT INTO sales_targets (employee_id, month, amount_fen, set_by)"
              " VALUES (?, ?, ?, ?) ON DUPLICATE KEY UPDATE amount_fen = VALUES(amount_fen),"
              " set_by = VALUES(set_by)");
          upsert.setInt64(1, t.employee_id());
          upsert.setString(2, t.month());
          upsert.setInt64(3, t.amount().minor_units());
          upsert.setString(4, call.actor);
          upsert.executeUpdate();
        }
        std::vector<ChangeRecord> changes;
        for (const v1::SalesTarget& t : targets) {
          changes.push_back({ChangeOp::kUpdate, t.employee_id(), &t});
        }
        AppendChanges(c, call, changes);
        return static_cast<int>(targets.size());
      });
}

absl::StatusOr<v1::TargetAttainment> ReportRepository::Attainment(const CallContext& call,
                                                                  absl::CivilMonth from,
                                                                  absl::CivilMonth to,
                                                                  int64_t employee_id) {
  const VisibilityScope scope = ScopeOf(call.caller);
  const std::string first_month = MonthText(from.year(), from.month());
  const std::string last_month = MonthText(to.year(), to.month());
  return db_.RunInSnapshot(
      "report.attainment", call.deadline,
      [&](MySqlConnection& c) -> absl::StatusOr<v1::TargetAttainment> {
        std::map<std::pair<int64_t, std::string>, v1::TargetAttainmentRow> rows;
        auto row_of = [&](int64_t employee, const std::string& month) -> v1::TargetAttainmentRow& {
          v1::TargetAttainmentRow& row = rows[{employee, month}];
          row.set_employee_id(employee);
          row.set_month(month);
          return row;
        };

        SqlWhere targeted;
        targeted.And("t.month BETWEEN ? AND ?", {first_month, last_month});
        if (employee_id != 0) targeted.And("t.employee_id = ?", {employee_id});
        RestrictTargets(targeted, scope);
        sql::PreparedStatement& targets = c.Prepare(
            absl::StrCat("SELECT t.employee_id, t.month, t.amount_fen FROM sales_targets t"
                         " LEFT JOIN owner_departments d ON d.employee_id = t.employee_id",
                         targeted.Sql()));
        targeted.Bind(targets);
        std::unique_ptr<sql::ResultSet> rs(targets.executeQuery());
        while (rs->next()) {
          *row_of(rs->getInt64(1), rs->getString(2)).mutable_target() = Fen(rs->getInt64(3));
        }

        SqlWhere sold = DaysIn(
            call, {FormatIsoDate(absl::CivilDay(from)), FormatIsoDate(absl::CivilDay(to + 1) - 1)},
            "d");
        sold.And("d.orders > 0");
        sold.And("d.owner_id <> 0");
        if (employee_id != 0) sold.And("d.owner_id = ?", {employee_id});
        sql::PreparedStatement& sales = c.Prepare(absl::StrCat(
            "SELECT d.owner_id, DATE_FORMAT(d.order_date, '%Y-%m') AS m,"
            " CAST(SUM(d.orders) AS SIGNED), CAST(SUM(d.amount_fen) AS CHAR) FROM sales_days d",
            sold.Sql(), " GROUP BY d.owner_id, m"));
        sold.Bind(sales);
        rs.reset(sales.executeQuery());
        while (rs->next()) {
          v1::TargetAttainmentRow& row = row_of(rs->getInt64(1), rs->getString(2));
          row.set_orders(rs->getInt64(3));
          CRM_ASSIGN_OR_RETURN(const int64_t actual, SumToFen(rs->getString(4), "sales"));
          *row.mutable_actual() = Fen(actual);
        }

        sql::PreparedStatement& names = c.Prepare("SELECT name FROM employee_names WHERE id = ?");
        v1::TargetAttainment report;
        std::map<int64_t, std::string> name_of;
        for (auto& [key, row] : rows) {
          auto known = name_of.find(row.employee_id());
          if (known == name_of.end()) {
            names.setInt64(1, row.employee_id());
            std::unique_ptr<sql::ResultSet> name(names.executeQuery());
            known =
                name_of.emplace(row.employee_id(), name->next() ? name->getString(1) : "").first;
          }
          row.set_name(known->second);
          if (row.has_target() && row.target().minor_units() > 0) {
            row.set_attainment_bp(static_cast<int32_t>(std::min<int64_t>(
                INT32_MAX, DivideRoundingHalfUp(
                               static_cast<__int128>(row.actual().minor_units()) * kBasisPoints,
                               row.target().minor_units()))));
          }
          *report.add_rows() = std::move(row);
        }
        return report;
      });
}

}  // namespace crm::reporting
