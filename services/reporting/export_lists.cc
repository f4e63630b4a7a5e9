// ReportRepository's exported lists (customers, orders, contact records,
// service requests), a page at a time by id, under the caller's visibility.
#include <cppconn/prepared_statement.h>
#include <cppconn/resultset.h>

#include <memory>

#include "absl/strings/str_cat.h"
#include "common/db/database.h"
#include "common/db/sql_where.h"
#include "common/db/visibility.h"
#include "crm/customer/v1/customer.pb.h"
#include "crm/feedback/v1/service_request.pb.h"
#include "crm/sales/v1/contact_record.pb.h"
#include "crm/sales/v1/order.pb.h"
#include "services/reporting/report_repository.h"

namespace crm::reporting {
namespace {

std::string EnumName(const std::string& name, int number) {
  return number == 0 ? std::string() : name;
}

// One list: its rows' SELECT (the row id first) over table alias `r` with
// the owner columns, and the DATE column a period limits.
struct ListQuery {
  const char* operation;
  const char* select;
  const char* date_column;
  const char* extra_condition;  // or null
};

// The rows after `after_id` (at most `limit`), each turned into cells by
// `cells`; returns the last id read, or `after_id` when none was.
template <typename Cells>
absl::StatusOr<int64_t> ListPage(Database& db, const CallContext& call, const ListQuery& list,
                                 const std::optional<DaySpan>& period, int64_t after_id,
                                 size_t limit, std::vector<CsvRow>& rows, Cells cells) {
  return db.Run(list.operation, call.deadline, [&](MySqlConnection& c) -> absl::StatusOr<int64_t> {
    SqlWhere where;
    where.And("r.id > ?", {after_id});
    if (list.extra_condition != nullptr) where.And(list.extra_condition);
    if (period) {
      where.And(absl::StrCat(list.date_column, " BETWEEN ? AND ?"), {period->start, period->end});
    }
    RestrictToScope(where, ScopeOf(call.caller), "r.owner_id", "r.owner_department_path");
    sql::PreparedStatement& stmt =
        c.Prepare(absl::StrCat(list.select, where.Sql(), " ORDER BY r.id LIMIT ?"));
    stmt.setInt64(where.Bind(stmt), static_cast<int64_t>(limit));
    std::unique_ptr<sql::ResultSet> rs(stmt.executeQuery());
    int64_t last = after_id;
    while (rs->next()) {
      last = rs->getInt64(1);
      rows.push_back(cells(*rs));
    }
    return last;
  });
}

}  // namespace

absl::StatusOr<int64_t> ReportRepository::CustomerRows(const CallContext& call,
                                                       const std::optional<DaySpan>& created,
                                                       int64_t after_id, size_t limit,
                                                       std::vector<CsvRow>& rows) {
  static constexpr ListQuery kCustomers = {
      "export.customers",
      "SELECT r.id, r.name, r.region_code, r.industry_code, r.type_code, r.grade, r.status,"
      " DATE_FORMAT(r.created_date, '%Y-%m-%d'), COALESCE(n.name, '') FROM customers r"
      " LEFT JOIN employee_names n ON n.id = r.owner_id",
      "r.created_date", "r.live = 1"};
  return ListPage(db_, call, kCustomers, created, after_id, limit, rows, [](sql::ResultSet& rs) {
    const int grade = rs.getInt(6), status = rs.getInt(7);
    return CsvRow{IntegerCell(rs.getInt64(1)),
                  rs.getString(2),
                  rs.getString(3),
                  rs.getString(4),
                  rs.getString(5),
                  EnumName(customer::v1::CustomerGrade_Name(grade), grade),
                  EnumName(customer::v1::CustomerStatus_Name(status), status),
                  rs.getString(8),
                  rs.getString(9)};
  });
}

absl::StatusOr<int64_t> ReportRepository::OrderRows(const CallContext& call,
                                                    const std::optional<DaySpan>& dated,
                                                    int64_t after_id, size_t limit,
                                                    std::vector<CsvRow>& rows) {
  static constexpr ListQuery kOrders = {
      "export.orders",
      "SELECT r.id, DATE_FORMAT(r.order_date, '%Y-%m-%d'), r.customer_id, COALESCE(k.name, ''),"
      " r.status, r.total_fen, COALESCE(n.name, '') FROM orders r"
      " LEFT JOIN customers k ON k.id = r.customer_id"
      " LEFT JOIN employee_names n ON n.id = r.owner_id",
      "r.order_date", nullptr};
  return ListPage(db_, call, kOrders, dated, after_id, limit, rows, [](sql::ResultSet& rs) {
    const int status = rs.getInt(5);
    return CsvRow{IntegerCell(rs.getInt64(1)),
                  rs.getString(2),
                  IntegerCell(rs.getInt64(3)),
                  rs.getString(4),
                  EnumName(sales::v1::OrderStatus_Name(status), status),
                  YuanCell(rs.getInt64(6)),
                  rs.getString(7)};
  });
}

absl::StatusOr<int64_t> ReportRepository::ContactRows(const CallContext& call,
                                                      const std::optional<DaySpan>& made,
                                                      int64_t after_id, size_t limit,
                                                      std::vector<CsvRow>& rows) {
  static constexpr ListQuery kContacts = {
      "export.contacts",
      "SELECT r.id, DATE_FORMAT(r.contact_date, '%Y-%m-%d'), r.customer_id,"
      " COALESCE(k.name, ''), r.method, r.subject, r.content, r.next_step,"
      " COALESCE(n.name, '') FROM contact_records r"
      " LEFT JOIN customers k ON k.id = r.customer_id"
      " LEFT JOIN employee_names n ON n.id = r.owner_id",
      "r.contact_date", nullptr};
  return ListPage(db_, call, kContacts, made, after_id, limit, rows, [](sql::ResultSet& rs) {
    const int method = rs.getInt(5);
    return CsvRow{IntegerCell(rs.getInt64(1)),
                  rs.getString(2),
                  IntegerCell(rs.getInt64(3)),
                  rs.getString(4),
                  EnumName(sales::v1::ContactMethod_Name(method), method),
                  rs.getString(6),
                  rs.getString(7),
                  rs.getString(8),
                  rs.getString(9)};
  });
}

absl::StatusOr<int64_t> ReportRepository::RequestRows(const CallContext& call,
                                                      const std::optional<DaySpan>& created,
                                                      int64_t after_id, size_t limit,
                                                      std::vector<CsvRow>& rows) {
  static constexpr ListQuery kRequests = {
      "export.requests",
      "SELECT r.id, DATE_FORMAT(r.created_date, '%Y-%m-%d'), r.customer_id,"
      " COALESCE(k.name, ''), r.type, r.priority, r.subject, r.status,"
      " COALESCE(h.name, ''), r.satisfaction, COALESCE(n.name, '')"
      " FROM service_requests r LEFT JOIN customers k ON k.id = r.customer_id"
      " LEFT JOIN employee_names h ON h.id = r.handler_id"
      " LEFT JOIN employee_names n ON n.id = r.owner_id",
      "r.created_date", nullptr};
  return ListPage(db_, call, kRequests, created, after_id, limit, rows, [](sql::ResultSet& rs) {
    const int type = rs.getInt(5), priority = rs.getInt(6), status = rs.getInt(8);
    const int satisfaction = rs.getInt(10);
    return CsvRow{IntegerCell(rs.getInt64(1)),
                  rs.getString(2),
                  IntegerCell(rs.getInt64(3)),
                  rs.getString(4),
                  EnumName(feedback::v1::RequestType_Name(type), type),
                  EnumName(feedback::v1::Priority_Name(priority), priority),
                  rs.getString(7),
                  EnumName(feedback::v1::RequestStatus_Name(status), status),
                  rs.getString(9),
                  satisfaction == 0 ? CsvCell("") : CsvCell(IntegerCell(satisfaction)),
                  rs.getString(11)};
  });
}

}  // namespace crm::reporting
