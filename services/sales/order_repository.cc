// OrderRepository: prepared statements over orders, order_lines and
// order_deliveries.
#include "services/sales/order_repository.h"

#include <cppconn/prepared_statement.h>
#include <cppconn/resultset.h>

#include <map>
#include <memory>

#include "absl/strings/str_cat.h"
#include "common/base/dates.h"
#include "common/base/status_util.h"
#include "common/db/database.h"
#include "common/db/multi_row.h"
#include "common/db/record_helpers.h"
#include "common/db/sql_time.h"
#include "common/db/sql_where.h"
#include "common/db/visibility.h"
#include "common/feed/owner_departments.h"
#include "common/feed/versioned_rows.h"
#include "services/sales/document_numbers.h"
#include "services/sales/money.h"
#include "services/sales/order_lines.h"
#include "services/sales/product_repository.h"

namespace crm::sales {
namespace {

using v1::Order;
using v1::OrderLine;

constexpr char kOrderSelect[] =
    "SELECT o.id, o.number, o.customer_id, o.contact_id, o.status, o.order_discount_bp,"
    " o.total_amount_fen, o.total_tax_fen, o.order_date, o.delivery_date, o.remarks,"
    " o.cancel_reason, o.owner_id, o.owner_department_id, o.version, o.created_at, o.updated_at"
    " FROM orders o";

Order ReadOrder(sql::ResultSet& rs) {
  Order o;
  o.set_id(rs.getInt64(1));
  o.set_number(rs.getString(2));
  o.set_customer_id(rs.getInt64(3));
  o.set_contact_id(rs.getInt64(4));
  o.set_status(static_cast<v1::OrderStatus>(rs.getInt(5)));
  o.set_order_discount_bp(rs.getInt(6));
  *o.mutable_total_amount() = Fen(rs.getInt64(7));
  *o.mutable_total_tax() = Fen(rs.getInt64(8));
  o.set_order_date(rs.getString(9));
  if (!rs.isNull(10)) o.set_delivery_date(rs.getString(10));
  o.set_remarks(rs.getString(11));
  o.set_cancel_reason(rs.getString(12));
  o.set_owner_employee_id(rs.getInt64(13));
  o.set_owner_department_id(rs.getInt64(14));
  o.set_etag(EtagOf(rs.getInt64(15)));
  SqlDateTimeToTimestamp(rs.getString(16), o.mutable_create_time());
  SqlDateTimeToTimestamp(rs.getString(17), o.mutable_update_time());
  return o;
}

constexpr char kLineSelect[] =
    "SELECT l.order_id, l.id, l.product_id, l.product_name, l.model, l.specification, l.unit,"
    " l.cost_price_fen, l.vat_rate_percent, l.unit_price_fen, l.quantity_milli, l.discount_bp,"
    " l.amount_before_order_discount_fen, l.order_discount_share_fen, l.amount_fen, l.tax_fen,"
    " l.delivered_milli FROM order_lines l";

OrderLine ReadLine(sql::ResultSet& rs) {
  OrderLine l;
  l.set_id(rs.getInt64(2));
  l.set_product_id(rs.getInt64(3));
  l.set_product_name(rs.getString(4));
  l.set_model(rs.getString(5));
  l.set_specification(rs.getString(6));
  l.set_unit(rs.getString(7));
  *l.mutable_cost_price() = Fen(rs.getInt64(8));
  l.set_vat_rate_percent(rs.getInt(9));
  *l.mutable_unit_price() = Fen(rs.getInt64(10));
  l.set_quantity_milli(rs.getInt64(11));
  l.set_discount_bp(rs.getInt(12));
  *l.mutable_amount_before_order_discount() = Fen(rs.getInt64(13));
  *l.mutable_order_discount_share() = Fen(rs.getInt64(14));
  *l.mutable_amount() = Fen(rs.getInt64(15));
  *l.mutable_tax() = Fen(rs.getInt64(16));
  l.set_delivered_milli(rs.getInt64(17));
  return l;
}

// Fills the lines of `orders` (at most a page) in one query.
void FillLines(MySqlConnection& c, const std::vector<Order*>& orders) {
  if (orders.empty()) return;
  std::map<int64_t, Order*> by_id;
  for (Order* order : orders) {
    order->clear_lines();
    by_id[order->id()] = order;
  }
  sql::PreparedStatement& stmt =
      c.Prepare(absl::StrCat(kLineSelect, " WHERE l.order_id IN (", InPlaceholders(by_id.size()),
                             ") ORDER BY l.order_id, l.line_no"));
  int index = 1;
  for (const auto& [id, order] : by_id) stmt.setInt64(index++, id);
  for (size_t i = by_id.size(); i < PaddedInSize(by_id.size()); ++i) {
    stmt.setInt64(index++, by_id.rbegin()->first);
  }
  std::unique_ptr<sql::ResultSet> rs(stmt.executeQuery());
  while (rs->next()) *by_id[rs->getInt64(1)]->add_lines() = ReadLine(*rs);
}

// The order with its lines, if in `scope`; locked when `for_update`.
std::unique_ptr<Order> LoadOrder(MySqlConnection& c, const VisibilityScope& scope, int64_t id,
                                 bool for_update) {
  SqlWhere where;
  where.And("o.id = ?", {id});
  RestrictToScope(where, scope, "o.owner_id", "o.owner_department_path");
  sql::PreparedStatement& stmt =
      c.Prepare(absl::StrCat(kOrderSelect, where.Sql(), for_update ? " FOR UPDATE" : ""));
  where.Bind(stmt);
  std::unique_ptr<sql::ResultSet> rs(stmt.executeQuery());
  if (!rs->next()) return nullptr;
  auto order = std::make_unique<Order>(ReadOrder(*rs));
  FillLines(c, {order.get()});
  return order;
}

// Orders as the versioned-row helpers see them: a change is made only to an
// order the caller may change (others are NOT_FOUND).
RecordTable<Order> OrderTable(const CallContext& call) {
  return {"orders", "order",
          [&call](MySqlConnection& c, int64_t id, bool for_update) {
            return LoadOrder(c, for_update ? WriteScopeOf(call.caller) : ScopeOf(call.caller), id,
                             for_update);
          },
          [&call](MySqlConnection& c, int64_t id) {
            return LoadOrder(c, ScopeOf(call.caller), id, false) != nullptr;
          }};
}

// The lines in a few multi-row statements (an order of 5 lines is 2).
void InsertLines(MySqlConnection& c, int64_t order_id, const Order& order) {
  InsertRowsExactly(
      c,
      "INSERT INTO order_lines (order_id, line_no, product_id, product_name, model,"
      " specification, unit, cost_price_fen, vat_rate_percent, unit_price_fen, quantity_milli,"
      " discount_bp, amount_before_order_discount_fen, order_discount_share_fen, amount_fen,"
      " tax_fen, delivered_milli) VALUES ",
      "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", "", order.lines_size(),
      [&](sql::PreparedStatement& stmt, int i, size_t row, bool) {
        const OrderLine& l = order.lines(static_cast<int>(row));
        stmt.setInt64(i++, order_id);
        stmt.setInt(i++, static_cast<int>(row) + 1);
        stmt.setInt64(i++, l.product_id());
        stmt.setString(i++, l.product_name());
        stmt.setString(i++, l.model());
        stmt.setString(i++, l.specification());
        stmt.setString(i++, l.unit());
        stmt.setInt64(i++, l.cost_price().minor_units());
        stmt.setInt(i++, l.vat_rate_percent());
        stmt.setInt64(i++, l.unit_price().minor_units());
        stmt.setInt64(i++, l.quantity_milli());
        stmt.setInt(i++, l.discount_bp());
        stmt.setInt64(i++, l.amount_before_order_discount().minor_units());
        stmt.setInt64(i++, l.order_discount_share().minor_units());
        stmt.setInt64(i++, l.amount().minor_units());
        stmt.setInt64(i++, l.tax().minor_units());
        stmt.setInt64(i++, l.delivered_milli());
        return i;
      });
}

// Parameters 1–9 of the insert and the update: the header columns an edit
// or a status step may change, in the order both statements name them.
void BindHeaderColumns(sql::PreparedStatement& stmt, const Order& o) {
  stmt.setInt64(1, o.contact_id());
  stmt.setInt(2, o.status());
  stmt.setInt(3, o.order_discount_bp());
  stmt.setInt64(4, o.total_amount().minor_units());
  stmt.setInt64(5, o.total_tax().minor_units());
  stmt.setString(6, o.order_date());
  SetStringOrNull(stmt, 7, o.delivery_date());
  stmt.setString(8, o.remarks());
  stmt.setString(9, o.cancel_reason());
}

}  // namespace

absl::StatusOr<Order> OrderRepository::Create(const CallContext& call, const Order& order,
                                              const std::string& request_id) {
  return CreateOnce(
      db_, call, OrderTable(call), request_id,
      [&](MySqlConnection& c, const std::string& request_key) -> absl::StatusOr<int64_t> {
        Order draft = order;
        std::vector<int64_t> product_ids;
        for (const OrderLine& line : draft.lines()) product_ids.push_back(line.product_id());
        CRM_RETURN_IF_ERROR(CompleteOrderLines(LoadProducts(c, product_ids), draft));
        const absl::CivilDay today = absl::ToCivilDay(call.Now(), zone_);
        if (draft.order_date().empty()) draft.set_order_date(FormatIsoDate(today));
        draft.set_status(v1::DRAFT);
        const Owner owner = CurrentOwner(c, call.caller);
        const std::string now = FormatSqlDateTime(call.Now());
        sql::PreparedStatement& stmt = c.Prepare(
            "INSERT INTO orders (contact_id, status, order_discount_bp, total_amount_fen,"
            " total_tax_fen, order_date, delivery_date, remarks, cancel_reason,"
            " customer_id, owner_id, owner_department_id, owner_department_path,"
            " create_request_id, created_at, updated_at)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
        BindHeaderColumns(stmt, draft);
        stmt.setInt64(10, draft.customer_id());
        stmt.setInt64(11, owner.employee_id);
        stmt.setInt64(12, owner.department_id);
        stmt.setString(13, owner.department_path);
        SetStringOrNull(stmt, 14, request_key);
        stmt.setDateTime(15, now);
        stmt.setDateTime(16, now);
        stmt.executeUpdate();
        const int64_t id = c.LastInsertId();
        InsertLines(c, id, draft);
        // Last, so the day's counter row is locked only until the commit
        // that follows (creates of a day queue on it).
        sql::PreparedStatement& number = c.Prepare("UPDATE orders SET number = ? WHERE id = ?");
        number.setString(1, NextDocumentNumber(c, "SO", today));
        number.setInt64(2, id);
        number.executeUpdate();
        return id;
      });
}

absl::StatusOr<Order> OrderRepository::Get(const CallContext& call, int64_t id) {
  return db_.Run("order.get", call.deadline, [&](MySqlConnection& c) -> absl::StatusOr<Order> {
    std::unique_ptr<Order> order = LoadOrder(c, ScopeOf(call.caller), id, false);
    if (!order) return absl::NotFoundError(absl::StrCat("order ", id, " not found"));
    return *order;
  });
}

absl::StatusOr<Order> OrderRepository::Update(const CallContext& call, int64_t id,
                                              const std::string& etag, const OrderEdit& edit,
                                              LineWrite lines) {
  auto write = [&](MySqlConnection& c, const Order& order) {
    sql::PreparedStatement& header = c.Prepare(
        "UPDATE orders SET contact_id = ?, status = ?, order_discount_bp = ?,"
        " total_amount_fen = ?, total_tax_fen = ?, order_date = ?, delivery_date = ?,"
        " remarks = ?, cancel_reason = ? WHERE id = ?");
    BindHeaderColumns(header, order);
    header.setInt64(10, id);
    header.executeUpdate();
    if (lines == LineWrite::kNone) return;
    if (lines == LineWrite::kReplaceAll) {
      sql::PreparedStatement& remove = c.Prepare("DELETE FROM order_lines WHERE order_id = ?");
      remove.setInt64(1, id);
      remove.executeUpdate();
      InsertLines(c, id, order);
      return;
    }
    sql::PreparedStatement& delivered =
        c.Prepare("UPDATE order_lines SET delivered_milli = ? WHERE id = ? AND order_id = ?");
    for (const OrderLine& line : order.lines()) {
      delivered.setInt64(1, line.delivered_milli());
      delivered.setInt64(2, line.id());
      delivered.setInt64(3, id);
      delivered.executeUpdate();
    }
  };
  return UpdateVersioned(db_, call, OrderTable(call), id, etag, edit, write);
}

absl::StatusOr<Page<Order>> OrderRepository::List(const CallContext& call,
                                                  const OrderFilter& filter, int page_size,
                                                  std::optional<int64_t> before_id) {
  return db_.Run(
      "order.list", call.deadline, [&](MySqlConnection& c) -> absl::StatusOr<Page<Order>> {
        SqlWhere where;
        if (filter.customer_id != 0) where.And("o.customer_id = ?", {filter.customer_id});
        if (filter.status != v1::ORDER_STATUS_UNSPECIFIED) {
          where.And("o.status = ?", {static_cast<int64_t>(filter.status)});
        }
        if (filter.owner_employee_id != 0) where.And("o.owner_id = ?", {filter.owner_employee_id});
        RestrictToScope(where, ScopeOf(call.caller), "o.owner_id", "o.owner_department_path");
        KeysetQuery q(kOrderSelect, "FROM orders o", where, " ORDER BY o.id DESC", page_size);
        if (before_id) q.After("o.id < ?", {*before_id});
        Page<Order> page = ReadKeysetPage<Order>(c, q, ReadOrder);
        std::vector<Order*> orders;
        for (Order& order : page.rows) orders.push_back(&order);
        FillLines(c, orders);
        return page;
      });
}

bool DeliveryRecorded(MySqlConnection& c, const std::string& request_key) {
  sql::PreparedStatement& stmt =
      c.Prepare("SELECT 1 FROM order_deliveries WHERE create_request_id = ?");
  stmt.setString(1, request_key);
  std::unique_ptr<sql::ResultSet> rs(stmt.executeQuery());
  return rs->next();
}

void RecordDelivery(MySqlConnection& c, int64_t order_id, const std::string& request_key,
                    absl::Time now) {
  sql::PreparedStatement& stmt = c.Prepare(
      "INSERT INTO order_deliveries (order_id, create_request_id, created_at) VALUES (?, ?, ?)");
  stmt.setInt64(1, order_id);
  stmt.setString(2, request_key);
  stmt.setDateTime(3, FormatSqlDateTime(now));
  stmt.executeUpdate();
}

}  // namespace crm::sales
