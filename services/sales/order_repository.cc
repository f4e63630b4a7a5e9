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
#include "common/db/record_helpers.h"
#include "common/db/sql_time.h"
#include "common/db/sql_where.h"
#include "common/db/visibility.h"
#include "common/feed/owner_departments.h"
#include "common/feed/versioned_rows.h"
#include "services/sales/document_lines.h"
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
    " o.cancel_reason, o.owner_id, o.owner_department_id, o.version, o.created_at, o.updated_at,"
    " o.campaign_id, o.invoiced, o.reminder_date, o.quote_id, o.approval_status, o.approval_id,"
    " o.approval_comment FROM orders o";

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
  o.set_campaign_id(rs.getInt64(18));
  o.set_invoiced(rs.getBoolean(19));
  if (!rs.isNull(20)) o.set_reminder_date(rs.getString(20));
  o.set_quote_id(rs.getInt64(21));
  o.set_approval_status(static_cast<v1::ApprovalStatus>(rs.getInt(22)));
  o.set_approval_id(rs.getInt64(23));
  o.set_approval_comment(rs.getString(24));
  return o;
}

// Fills the lines of `orders` (at most a page) in one query.
void FillOrderLines(MySqlConnection& c, const std::vector<Order*>& orders) {
  std::map<int64_t, Lines*> lines;
  for (Order* order : orders) lines[order->id()] = order->mutable_lines();
  FillLines(c, kOrderLines, lines);
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
  FillOrderLines(c, {order.get()});
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

// Parameters 1–15 of the insert and the update: the header columns an edit,
// a status step or an approval may change, in the order both statements
// name them.
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
  stmt.setInt64(10, o.campaign_id());
  stmt.setBoolean(11, o.invoiced());
  SetStringOrNull(stmt, 12, o.reminder_date());
  stmt.setInt(13, o.approval_status());
  stmt.setInt64(14, o.approval_id());
  stmt.setString(15, o.approval_comment());
}

}  // namespace

absl::StatusOr<Order> OrderRepository::Create(const CallContext& call, const Order& order,
                                              const std::string& request_id,
                                              const OrderSource* source) {
  auto lock = [&](MySqlConnection& c) -> absl::Status {
    return source != nullptr ? source->lock(c) : absl::OkStatus();
  };
  return CreateOnceLocked(
      db_, call, OrderTable(call), request_id, lock,
      [&](MySqlConnection& c, const std::string& request_key) -> absl::StatusOr<int64_t> {
        Order draft = order;
        if (source != nullptr) {
          CRM_RETURN_IF_ERROR(source->prepare(c, draft));
        } else {
          std::vector<int64_t> product_ids;
          for (const OrderLine& line : draft.lines()) product_ids.push_back(line.product_id());
          CRM_RETURN_IF_ERROR(CompleteOrderLines(LoadProducts(c, product_ids), draft));
        }
        const absl::CivilDay today = absl::ToCivilDay(call.Now(), zone_);
        if (draft.order_date().empty()) draft.set_order_date(FormatIsoDate(today));
        draft.set_status(v1::DRAFT);
        const Owner owner = CurrentOwner(c, call.caller);
        const std::string now = FormatSqlDateTime(call.Now());
        sql::PreparedStatement& stmt = c.Prepare(
            "INSERT INTO orders (contact_id, status, order_discount_bp, total_amount_fen,"
            " total_tax_fen, order_date, delivery_date, remarks, cancel_reason, campaign_id,"
            " invoiced, reminder_date, approval_status, approval_id, approval_comment,"
            " customer_id, owner_id, owner_department_id, owner_department_path, quote_id,"
            " create_request_id, created_at, updated_at)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
        BindHeaderColumns(stmt, draft);
        stmt.setInt64(16, draft.customer_id());
        stmt.setInt64(17, owner.employee_id);
        stmt.setInt64(18, owner.department_id);
        stmt.setString(19, owner.department_path);
        stmt.setInt64(20, draft.quote_id());
        SetStringOrNull(stmt, 21, request_key);
        stmt.setDateTime(22, now);
        stmt.setDateTime(23, now);
        stmt.executeUpdate();
        const int64_t id = c.LastInsertId();
        InsertLines(c, kOrderLines, id, draft.lines());
        // Late, so the day's counter row is locked only until the commit
        // that follows (creates of a day queue on it).
        NumberDocument(c, "orders", id, "SO", today);
        // After the number: a change appended here takes the feed's counter,
        // which every transaction takes after its number, never before.
        if (source != nullptr) source->link(c, id);
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
                                              LineWrite lines, const OrderStep& last) {
  auto write = [&](MySqlConnection& c, const Order& order) {
    sql::PreparedStatement& header = c.Prepare(
        "UPDATE orders SET contact_id = ?, status = ?, order_discount_bp = ?,"
        " total_amount_fen = ?, total_tax_fen = ?, order_date = ?, delivery_date = ?,"
        " remarks = ?, cancel_reason = ?, campaign_id = ?, invoiced = ?, reminder_date = ?,"
        " approval_status = ?, approval_id = ?, approval_comment = ? WHERE id = ?");
    BindHeaderColumns(header, order);
    header.setInt64(16, id);
    header.executeUpdate();
    if (lines == LineWrite::kNone) return;
    if (lines == LineWrite::kReplaceAll) {
      DeleteLines(c, kOrderLines, id);
      InsertLines(c, kOrderLines, id, order.lines());
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
  auto last_step = [&](MySqlConnection& c, const Order& stored) {
    return last ? last(c, stored) : absl::OkStatus();
  };
  return UpdateVersionedThen(db_, call, OrderTable(call), id, etag, edit, write, last_step);
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
        if (filter.campaign_id != 0) where.And("o.campaign_id = ?", {filter.campaign_id});
        RestrictToScope(where, ScopeOf(call.caller), "o.owner_id", "o.owner_department_path");
        KeysetQuery q(kOrderSelect, "FROM orders o", where, " ORDER BY o.id DESC", page_size);
        if (before_id) q.After("o.id < ?", {*before_id});
        Page<Order> page = ReadKeysetPage<Order>(c, q, ReadOrder);
        std::vector<Order*> orders;
        for (Order& order : page.rows) orders.push_back(&order);
        FillOrderLines(c, orders);
        return page;
      });
}

std::unique_ptr<Order> LockOrder(MySqlConnection& c, const VisibilityScope& scope, int64_t id) {
  return LoadOrder(c, scope, id, /*for_update=*/true);
}

std::unique_ptr<Order> LoadOrderRow(MySqlConnection& c, const VisibilityScope& scope, int64_t id) {
  return LoadOrder(c, scope, id, /*for_update=*/false);
}

void WriteOrderApproval(MySqlConnection& c, const Order& order, absl::Time now) {
  sql::PreparedStatement& stmt = c.Prepare(
      "UPDATE orders SET approval_status = ?, approval_id = ?, approval_comment = ? WHERE id = ?");
  stmt.setInt(1, order.approval_status());
  stmt.setInt64(2, order.approval_id());
  stmt.setString(3, order.approval_comment());
  stmt.setInt64(4, order.id());
  stmt.executeUpdate();
  TouchVersion(c, "orders", order.id(), now);
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
