// ReadModel: one upsert per record a change carries.
#include "services/reporting/read_model.h"

#include <cppconn/prepared_statement.h>
#include <cppconn/resultset.h>

#include <algorithm>
#include <memory>

#include "common/base/dates.h"
#include "common/base/money.h"
#include "common/db/multi_row.h"
#include "common/db/record_helpers.h"
#include "common/db/sql_time.h"
#include "common/feed/owner_departments.h"
#include "crm/common/v1/changes.pb.h"
#include "crm/customer/v1/customer.pb.h"
#include "crm/org/v1/structure.pb.h"
#include "crm/sales/v1/contact_record.pb.h"
#include "crm/sales/v1/order.pb.h"
#include "services/reporting/opportunity_history.h"
#include "services/reporting/read_model_owner.h"
#include "services/reporting/receivable_model.h"
#include "services/reporting/sales_rollup.h"
#include "services/reporting/service_request_model.h"

namespace crm::reporting {
namespace {

namespace cv1 = customer::v1;
namespace sv1 = sales::v1;

// The tables whose owner columns follow the org feed.
const std::vector<OwnedTable>& OwnedTables() {
  static const auto* tables = new std::vector<OwnedTable>{
      {"customers"},        {"orders"},          {"order_lines"}, {"opportunities"},
      {"service_requests"}, {"contact_records"}, {"contracts"},   {"campaigns"},
      {"grade_changes"},    {"sales_days"},      {"product_days"}};
  return *tables;
}

bool Deleted(const common::v1::Change& change) {
  return change.operation() == common::v1::CHANGE_OPERATION_DELETE;
}

bool Changed(const common::v1::Change& change, const char* field) {
  return std::find(change.changed_fields().begin(), change.changed_fields().end(), field) !=
         change.changed_fields().end();
}

void DeleteById(MySqlConnection& c, const char* table, const char* column, int64_t id) {
  sql::PreparedStatement& stmt =
      c.Prepare(std::string("DELETE FROM ") + table + " WHERE " + column + " = ?");
  stmt.setInt64(1, id);
  stmt.executeUpdate();
}

void UpsertName(MySqlConnection& c, const char* table, int64_t id, const std::string& name) {
  sql::PreparedStatement& stmt =
      c.Prepare(std::string("INSERT INTO ") + table +
                " (id, name) VALUES (?, ?) ON DUPLICATE KEY UPDATE name = VALUES(name)");
  stmt.setInt64(1, id);
  stmt.setString(2, name);
  stmt.executeUpdate();
}

bool Counted(sv1::OrderStatus status) {
  return status == sv1::CONFIRMED || status == sv1::PARTIALLY_DELIVERED || status == sv1::COMPLETED;
}

// cost price × quantity, rounded half up to the fen per line
int64_t LineCost(const sv1::OrderLine& line) {
  return DivideRoundingHalfUp(
      static_cast<__int128>(line.cost_price().minor_units()) * line.quantity_milli(), 1000);
}

// Writes the order's lines, replacing those held when `replace`.
void WriteOrderLines(MySqlConnection& c, const sv1::Order& order, const std::string& date,
                     const Owner& owner, bool replace) {
  if (replace) DeleteById(c, "order_lines", "order_id", order.id());
  InsertRows(c,
             "INSERT INTO order_lines (order_id, line_id, product_id, product_name,"
             " quantity_milli, amount_fen, cost_fen, counted, order_date, owner_id,"
             " owner_department_id, owner_department_path) VALUES ",
             "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
             " ON DUPLICATE KEY UPDATE product_id = VALUES(product_id)", order.lines_size(),
             [&](sql::PreparedStatement& s, int i, size_t row, bool) {
               const sv1::OrderLine& line = order.lines(static_cast<int>(row));
               s.setInt64(i++, order.id());
               s.setInt64(i++, line.id());
               s.setInt64(i++, line.product_id());
               s.setString(i++, line.product_name());
               s.setInt64(i++, line.quantity_milli());
               s.setInt64(i++, line.amount().minor_units());
               s.setInt64(i++, LineCost(line));
               s.setInt(i++, Counted(order.status()) ? 1 : 0);
               s.setString(i++, date);
               s.setInt64(i++, owner.employee_id);
               s.setInt64(i++, owner.department_id);
               s.setString(i++, owner.department_path);
               return i;
             });
}

// Moves the lines with their order's status, date and owner.
void MoveOrderLines(MySqlConnection& c, const sv1::Order& order, const std::string& date,
                    const Owner& owner) {
  sql::PreparedStatement& lines = c.Prepare(
      "UPDATE order_lines SET counted = ?, order_date = ?, owner_id = ?,"
      " owner_department_id = ?, owner_department_path = ? WHERE order_id = ?");
  lines.setInt(1, Counted(order.status()) ? 1 : 0);
  lines.setString(2, date);
  lines.setInt64(3, owner.employee_id);
  lines.setInt64(4, owner.department_id);
  lines.setString(5, owner.department_path);
  lines.setInt64(6, order.id());
  lines.executeUpdate();
}

// Moves a customer's last order or contact day (`column`) and its last
// activity on to `day`, never back (the feed may carry an older record
// after a newer one). An order of any status counts: it was made.
void NoteActivity(MySqlConnection& c, int64_t customer_id, const std::string& column,
                  const std::string& day) {
  sql::PreparedStatement& stmt =
      c.Prepare("INSERT INTO customer_activity (customer_id, " + column +
                ", last_activity) VALUES (?, ?, ?) ON DUPLICATE KEY UPDATE " + column +
                " = GREATEST(COALESCE(" + column + ", VALUES(" + column + ")), VALUES(" + column +
                ")), last_activity = GREATEST(last_activity, VALUES(last_activity))");
  stmt.setInt64(1, customer_id);
  stmt.setString(2, day);
  stmt.setString(3, day);
  stmt.executeUpdate();
}

void ApplyContactRecord(MySqlConnection& c, const sv1::ContactRecord& record, bool deleted) {
  if (deleted) {
    DeleteById(c, "contact_records", "id", record.id());
    return;
  }
  const Owner owner = OwnerOf(c, record.owner_employee_id());
  sql::PreparedStatement& stmt = c.Prepare(
      "INSERT INTO contact_records (id, customer_id, contact_date, method, subject, content,"
      " next_step, owner_id, owner_department_id, owner_department_path)"
      " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON DUPLICATE KEY UPDATE"
      " customer_id = VALUES(customer_id), method = VALUES(method), subject = VALUES(subject),"
      " content = VALUES(content), next_step = VALUES(next_step),"
      " contact_date = VALUES(contact_date), owner_id = VALUES(owner_id),"
      " owner_department_id = VALUES(owner_department_id),"
      " owner_department_path = VALUES(owner_department_path)");
  stmt.setInt64(1, record.id());
  stmt.setInt64(2, record.customer_id());
  stmt.setString(3, record.contact_date());
  stmt.setInt(4, record.method());
  stmt.setString(5, record.subject());
  stmt.setString(6, record.content());
  stmt.setString(7, record.next_step());
  stmt.setInt64(8, owner.employee_id);
  stmt.setInt64(9, owner.department_id);
  stmt.setString(10, owner.department_path);
  stmt.executeUpdate();
  NoteActivity(c, record.customer_id(), "last_contact_date", record.contact_date());
}

// A grade other than the one held (a new customer has none to change).
void NoteGradeChange(MySqlConnection& c, const common::v1::Change& change,
                     const cv1::Customer& customer, const Owner& owner, absl::TimeZone zone) {
  sql::PreparedStatement& held = c.Prepare("SELECT grade FROM customers WHERE id = ?");
  held.setInt64(1, customer.id());
  std::unique_ptr<sql::ResultSet> rs(held.executeQuery());
  if (!rs->next() || rs->getInt(1) == customer.grade()) return;
  sql::PreparedStatement& stmt = c.Prepare(
      "INSERT IGNORE INTO grade_changes (customer_id, sequence, change_date, from_grade,"
      " to_grade, owner_id, owner_department_id, owner_department_path)"
      " VALUES (?, ?, ?, ?, ?, ?, ?, ?)");
  int i = 1;
  stmt.setInt64(i++, customer.id());
  stmt.setInt64(i++, change.sequence());
  // The customer's own update time is the business clock's; the change's
  // time is the feed's commit.
  const absl::Time when = customer.has_update_time() ? FromTimestamp(customer.update_time())
                                                     : FromTimestamp(change.change_time());
  stmt.setString(i++, FormatIsoDate(absl::ToCivilDay(when, zone)));
  stmt.setInt(i++, rs->getInt(1));
  stmt.setInt(i++, customer.grade());
  stmt.setInt64(i++, owner.employee_id);
  stmt.setInt64(i++, owner.department_id);
  stmt.setString(i++, owner.department_path);
  stmt.executeUpdate();
}

}  // namespace

FeedConsumer::Apply ReadModel::ApplyFor(const std::string& name) const {
  void (ReadModel::*apply)(MySqlConnection&, const common::v1::Change&) const =
      name == "org"        ? &ReadModel::ApplyOrg
      : name == "customer" ? &ReadModel::ApplyCustomer
      : name == "sales"    ? &ReadModel::ApplySales
                           : &ReadModel::ApplyFeedback;
  return [this, apply](MySqlConnection& c, const common::v1::Change& change) {
    (this->*apply)(c, change);
  };
}

FeedConsumer::PageApplied ReadModel::RecordPositionOf(const std::string& name) {
  return [name](MySqlConnection& c, const common::v1::Change& last) {
    sql::PreparedStatement& position = c.Prepare(
        "INSERT INTO feed_positions (name, last_change_time) VALUES (?, ?)"
        " ON DUPLICATE KEY UPDATE last_change_time = VALUES(last_change_time)");
    position.setString(1, name);
    position.setDateTime(2, FormatSqlDateTime(FromTimestamp(last.change_time())));
    position.executeUpdate();
  };
}

const std::vector<std::string>& ReadModel::FedTables() {
  static const auto* tables =
      new std::vector<std::string>{"customers",         "customer_regions",   "orders",
                                   "order_lines",       "sales_days",         "product_days",
                                   "opportunities",     "opportunity_stages", "contact_records",
                                   "customer_activity", "service_requests",   "contracts",
                                   "instalments",       "receipts",           "receipt_allocations",
                                   "campaigns",         "grade_changes",      "owner_departments",
                                   "employee_names",    "department_names",   "feed_positions"};
  return *tables;
}

void ReadModel::ApplyOrg(MySqlConnection& c, const common::v1::Change& change) const {
  ApplyOwnerDepartmentChange(c, change, OwnedTables());
  if (org::v1::Employee employee; change.state().UnpackTo(&employee)) {
    UpsertName(c, "employee_names", employee.id(), employee.name());
  } else if (org::v1::Department department; change.state().UnpackTo(&department)) {
    UpsertName(c, "department_names", department.id(), department.name());
  }
}

void ReadModel::ApplyFeedback(MySqlConnection& c, const common::v1::Change& change) const {
  ApplyServiceRequestChange(c, change, zone_);
}

void ReadModel::ApplyCustomer(MySqlConnection& c, const common::v1::Change& change) const {
  cv1::Customer customer;
  if (!change.state().UnpackTo(&customer)) return;  // contacts, events, ...
  if (Deleted(change)) {
    DeleteById(c, "customers", "id", customer.id());
    SetCustomerRegion(c, customer.id(), "", RollupsPerChange(c));
    return;
  }
  const Owner owner = OwnerOf(c, customer.owner_id());
  NoteGradeChange(c, change, customer, owner, zone_);
  sql::PreparedStatement& stmt = c.Prepare(
      "INSERT INTO customers (id, name, region_code, industry_code, type_code, grade, status,"
      " live, created_date, owner_id, owner_department_id, owner_department_path)"
      " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON DUPLICATE KEY UPDATE"
      " name = VALUES(name), region_code = VALUES(region_code),"
      " industry_code = VALUES(industry_code), type_code = VALUES(type_code),"
      " grade = VALUES(grade), status = VALUES(status), live = VALUES(live),"
      " created_date = VALUES(created_date), owner_id = VALUES(owner_id),"
      " owner_department_id = VALUES(owner_department_id),"
      " owner_department_path = VALUES(owner_department_path)");
  int i = 1;
  stmt.setInt64(i++, customer.id());
  stmt.setString(i++, customer.name());
  stmt.setString(i++, customer.region_code());
  stmt.setString(i++, customer.industry_code());
  stmt.setString(i++, customer.type_code());
  stmt.setInt(i++, customer.grade());
  stmt.setInt(i++, customer.status());
  stmt.setInt(i++, customer.in_recycle_bin() ? 0 : 1);
  stmt.setString(i++,
                 FormatIsoDate(absl::ToCivilDay(FromTimestamp(customer.create_time()), zone_)));
  stmt.setInt64(i++, owner.employee_id);
  stmt.setInt64(i++, owner.department_id);
  stmt.setString(i++, owner.department_path);
  stmt.executeUpdate();
  SetCustomerRegion(c, customer.id(), customer.region_code(), RollupsPerChange(c));
}

void ReadModel::ApplySales(MySqlConnection& c, const common::v1::Change& change) const {
  if (ApplyOpportunityChange(c, change, zone_)) return;
  if (ApplyReceivableChange(c, change)) return;
  if (sv1::ContactRecord record; change.state().UnpackTo(&record)) {
    ApplyContactRecord(c, record, Deleted(change));
    return;
  }
  sv1::Order order;
  if (!change.state().UnpackTo(&order)) return;  // the other records arrive with their reports
  const Owner owner = OwnerOf(c, order.owner_employee_id());
  // A created order is not in the model yet: nothing to withdraw or delete.
  const bool created = change.operation() == common::v1::CHANGE_OPERATION_CREATE;
  const bool per_change = RollupsPerChange(c);
  if (per_change) {
    LockCustomerRegion(c, order.customer_id());
    if (!created) RollUpOrder(c, order.id(), -1);
  }
  if (Deleted(change)) {
    DeleteById(c, "order_lines", "order_id", order.id());
    DeleteById(c, "orders", "id", order.id());
    return;
  }
  const std::string date =
      !order.order_date().empty()
          ? order.order_date()
          : FormatIsoDate(absl::ToCivilDay(FromTimestamp(order.create_time()), zone_));
  NoteActivity(c, order.customer_id(), "last_order_date", date);
  // The lines are rewritten when they may have changed; otherwise only the
  // order's columns they repeat move, and the order keeps its cost.
  const bool lines_may_differ =
      created || change.changed_fields().empty() || Changed(change, "lines");
  int64_t cost = 0;
  for (const sv1::OrderLine& line : order.lines()) cost += LineCost(line);
  sql::PreparedStatement& stmt = c.Prepare(
      "INSERT INTO orders (id, customer_id, status, counted, order_date, total_fen, campaign_id,"
      " owner_id, owner_department_id, owner_department_path, cost_fen)"
      " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON DUPLICATE KEY UPDATE"
      " customer_id = VALUES(customer_id), status = VALUES(status), counted = VALUES(counted),"
      " order_date = VALUES(order_date), total_fen = VALUES(total_fen),"
      " campaign_id = VALUES(campaign_id), owner_id = VALUES(owner_id),"
      " owner_department_id = VALUES(owner_department_id),"
      " owner_department_path = VALUES(owner_department_path),"
      " cost_fen = IF(?, VALUES(cost_fen), cost_fen)");
  int i = 1;
  stmt.setInt64(i++, order.id());
  stmt.setInt64(i++, order.customer_id());
  stmt.setInt(i++, order.status());
  stmt.setInt(i++, Counted(order.status()) ? 1 : 0);
  stmt.setString(i++, date);
  stmt.setInt64(i++, order.total_amount().minor_units());
  stmt.setInt64(i++, order.campaign_id());
  stmt.setInt64(i++, owner.employee_id);
  stmt.setInt64(i++, owner.department_id);
  stmt.setString(i++, owner.department_path);
  stmt.setInt64(i++, cost);
  stmt.setInt(i++, lines_may_differ ? 1 : 0);
  stmt.executeUpdate();
  if (lines_may_differ) {
    WriteOrderLines(c, order, date, owner, /*replace=*/!created);
  } else {
    MoveOrderLines(c, order, date, owner);
  }
  if (per_change) RollUpOrder(c, order.id(), 1);
}

}  // namespace crm::reporting
