// ReportRepository::CustomerRows and OrderRows: the exported lists, a page at
// a time by id, under the caller's visibility.
#include <cppconn/prepared_statement.h>
#include <cppconn/resultset.h>

#include <memory>

#include "absl/strings/str_cat.h"
#include "common/db/database.h"
#include "common/db/sql_where.h"
#include "common/db/visibility.h"
#include "crm/customer/v1/customer.pb.h"
#include "crm/sales/v1/order.pb.h"
#include "services/reporting/report_repository.h"

namespace crm::reporting {
namespace {

std::string EnumName(const std::string& name, int number) {
  return number == 0 ? std::string() : name;
}

}  // namespace

absl::StatusOr<int64_t> ReportRepository::CustomerRows(const CallContext& call,
                                                       const std::optional<DaySpan>& created,
                                                       int64_t after_id, size_t limit,
                                                       std::vector<CsvRow>& rows) {
  return db_.Run(
      "export.customers", call.deadline, [&](MySqlConnection& c) -> absl::StatusOr<int64_t> {
        SqlWhere where;
        where.And("c.live = 1");
        where.And("c.id > ?", {after_id});
        if (created) where.And("c.created_date BETWEEN ? AND ?", {created->start, created->end});
        RestrictToScope(where, ScopeOf(call.caller), "c.owner_id", "c.owner_department_path");
        sql::PreparedStatement& stmt = c.Prepare(absl::StrCat(
            "SELECT c.id, c.name, c.region_code, c.industry_code, c.type_code, c.grade, c.status,"
            " DATE_FORMAT(c.created_date, '%Y-%m-%d'), COALESCE(n.name, '') FROM customers c"
            " LEFT JOIN employee_names n ON n.id = c.owner_id",
            where.Sql(), " ORDER BY c.id LIMIT ?"));
        const int next = where.Bind(stmt);
        stmt.setInt64(next, static_cast<int64_t>(limit));
        std::unique_ptr<sql::ResultSet> rs(stmt.executeQuery());
        int64_t last = after_id;
        while (rs->next()) {
          last = rs->getInt64(1);
          const int grade = rs->getInt(6), status = rs->getInt(7);
          rows.push_back({IntegerCell(last), rs->getString(2), rs->getString(3), rs->getString(4),
                          rs->getString(5),
                          EnumName(customer::v1::CustomerGrade_Name(grade), grade),
                          EnumName(customer::v1::CustomerStatus_Name(status), status),
                          rs->getString(8), rs->getString(9)});
        }
        return last;
      });
}

absl::StatusOr<int64_t> ReportRepository::OrderRows(const CallContext& call,
                                                    const std::optional<DaySpan>& dated,
                                                    int64_t after_id, size_t limit,
                                                    std::vector<CsvRow>& rows) {
  return db_.Run(
      "export.orders", call.deadline, [&](MySqlConnection& c) -> absl::StatusOr<int64_t> {
        SqlWhere where;
        where.And("o.id > ?", {after_id});
        if (dated) where.And("o.order_date BETWEEN ? AND ?", {dated->start, dated->end});
        RestrictToScope(where, ScopeOf(call.caller), "o.owner_id", "o.owner_department_path");
        sql::PreparedStatement& stmt = c.Prepare(absl::StrCat(
            "SELECT o.id, DATE_FORMAT(o.order_date, '%Y-%m-%d'), o.customer_id,"
            " COALESCE(k.name, ''), o.status, o.total_fen, COALESCE(n.name, '') FROM orders o"
            " LEFT JOIN customers k ON k.id = o.customer_id"
            " LEFT JOIN employee_names n ON n.id = o.owner_id",
            where.Sql(), " ORDER BY o.id LIMIT ?"));
        const int next = where.Bind(stmt);
        stmt.setInt64(next, static_cast<int64_t>(limit));
        std::unique_ptr<sql::ResultSet> rs(stmt.executeQuery());
        int64_t last = after_id;
        while (rs->next()) {
          last = rs->getInt64(1);
          const int status = rs->getInt(5);
          rows.push_back({IntegerCell(last), rs->getString(2), IntegerCell(rs->getInt64(3)),
                          rs->getString(4), EnumName(sales::v1::OrderStatus_Name(status), status),
                          YuanCell(rs->getInt64(6)), rs->getString(7)});
        }
        return last;
      });
}

}  // namespace crm::reporting
