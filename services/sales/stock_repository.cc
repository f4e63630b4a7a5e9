// StockRepository and the stock steps of orders.
#include "services/sales/stock_repository.h"

#include <cppconn/prepared_statement.h>
#include <cppconn/resultset.h>

#include <memory>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "common/db/database.h"
#include "common/db/record_helpers.h"
#include "common/db/sql_time.h"
#include "common/db/sql_where.h"
#include "common/feed/versioned_rows.h"

namespace crm::sales {
namespace {

using v1::Inventory;
using v1::StockMovement;

constexpr char kMovementSelect[] =
    "SELECT m.id, m.product_id, m.kind, m.quantity_milli, m.reason, m.order_id, m.actor,"
    " m.created_at FROM stock_movements m";

StockMovement ReadMovement(sql::ResultSet& rs) {
  StockMovement m;
  m.set_id(rs.getInt64(1));
  m.set_product_id(rs.getInt64(2));
  m.set_kind(static_cast<v1::StockMovementKind>(rs.getInt(3)));
  m.set_quantity_milli(rs.getInt64(4));
  m.set_reason(rs.getString(5));
  if (!rs.isNull(6)) m.set_order_id(rs.getInt64(6));
  m.set_actor(rs.getString(7));
  SqlDateTimeToTimestamp(rs.getString(8), m.mutable_create_time());
  return m;
}

std::unique_ptr<StockMovement> LoadMovement(MySqlConnection& c, int64_t id, bool) {
  sql::PreparedStatement& stmt = c.Prepare(absl::StrCat(kMovementSelect, " WHERE m.id = ?"));
  stmt.setInt64(1, id);
  std::unique_ptr<sql::ResultSet> rs(stmt.executeQuery());
  if (!rs->next()) return nullptr;
  return std::make_unique<StockMovement>(ReadMovement(*rs));
}

const RecordTable<StockMovement> kMovements{"stock_movements", "stock movement", &LoadMovement};

constexpr char kInventorySelect[] =
    "SELECT s.product_id, p.name, s.on_hand_milli, s.reserved_milli,"
    " p.low_stock_threshold_milli FROM stock_levels s JOIN products p ON p.id = s.product_id";

Inventory ReadInventory(sql::ResultSet& rs) {
  Inventory i;
  i.set_product_id(rs.getInt64(1));
  i.set_product_name(rs.getString(2));
  i.set_on_hand_milli(rs.getInt64(3));
  i.set_reserved_milli(rs.getInt64(4));
  i.set_available_milli(i.on_hand_milli() - i.reserved_milli());
  i.set_low_stock_threshold_milli(rs.getInt64(5));
  return i;
}

std::unique_ptr<Inventory> LoadInventory(MySqlConnection& c, int64_t product_id) {
  sql::PreparedStatement& stmt =
      c.Prepare(absl::StrCat(kInventorySelect, " WHERE s.product_id = ?"));
  stmt.setInt64(1, product_id);
  std::unique_ptr<sql::ResultSet> rs(stmt.executeQuery());
  if (!rs->next()) return nullptr;
  return std::make_unique<Inventory>(ReadInventory(*rs));
}

absl::Status ProductNotFound(int64_t product_id) {
  return absl::NotFoundError(absl::StrCat("product ", product_id, " not found"));
}

int64_t InsertMovement(MySqlConnection& c, const CallContext& call, int64_t product_id,
                       v1::StockMovementKind kind, int64_t quantity_milli,
                       const std::string& reason, int64_t order_id,
                       const std::string& request_key) {
  sql::PreparedStatement& stmt = c.Prepare(
      "INSERT INTO stock_movements (product_id, kind, quantity_milli, reason, order_id, actor,"
      " create_request_id, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)");
  stmt.setInt64(1, product_id);
  stmt.setInt(2, kind);
  stmt.setInt64(3, quantity_milli);
  stmt.setString(4, reason);
  SetIdOrNull(stmt, 5, order_id);
  stmt.setString(6, call.actor);
  SetStringOrNull(stmt, 7, request_key);
  stmt.setDateTime(8, FormatSqlDateTime(call.Now()));
  stmt.executeUpdate();
  return c.LastInsertId();
}

}  // namespace

std::string FormatQuantity(int64_t milli) {
  std::string text = absl::StrFormat("%s%d.%03d", milli < 0 ? "-" : "", std::abs(milli) / 1000,
                                     std::abs(milli) % 1000);
  while (text.back() == '0') text.pop_back();
  if (text.back() == '.') text.pop_back();
  return text;
}

absl::StatusOr<StockMovement> StockRepository::Record(const CallContext& call,
                                                      const StockMovement& movement,
                                                      const std::string& request_id) {
  return CreateOnce(
      db_, call, kMovements, request_id,
      [&](MySqlConnection& c, const std::string& request_key) -> absl::StatusOr<int64_t> {
        // One statement that checks and moves: the row lock it takes is the
        // product's stock lock, so a reservation cannot slip in between.
        sql::PreparedStatement& move = c.Prepare(
            "UPDATE stock_levels SET on_hand_milli = on_hand_milli + ?"
            " WHERE product_id = ? AND on_hand_milli + ? >= reserved_milli");
        move.setInt64(1, movement.quantity_milli());
        move.setInt64(2, movement.product_id());
        move.setInt64(3, movement.quantity_milli());
        if (move.executeUpdate() == 0) {
          std::unique_ptr<Inventory> now = LoadInventory(c, movement.product_id());
          if (!now) return ProductNotFound(movement.product_id());
          return WithErrorInfo(
              absl::FailedPreconditionError(absl::StrCat(
                  "product ", movement.product_id(), " (", now->product_name(), ") has ",
                  FormatQuantity(now->on_hand_milli()), " on hand of which ",
                  FormatQuantity(now->reserved_milli()),
                  " reserved: an adjustment may not take on hand below what is reserved")),
              "STOCK_BELOW_RESERVED", {{"product_id", absl::StrCat(movement.product_id())}},
              absl::StrCat("product/", movement.product_id()));
        }
        return InsertMovement(c, call, movement.product_id(), movement.kind(),
                              movement.quantity_milli(), movement.reason(), 0, request_key);
      });
}

absl::StatusOr<Inventory> StockRepository::Get(const CallContext& call, int64_t product_id) {
  return db_.Run("inventory.get", call.deadline,
                 [&](MySqlConnection& c) -> absl::StatusOr<Inventory> {
                   std::unique_ptr<Inventory> inventory = LoadInventory(c, product_id);
                   if (!inventory) return ProductNotFound(product_id);
                   return *inventory;
                 });
}

absl::StatusOr<Page<StockMovement>> StockRepository::ListMovements(
    const CallContext& call, int64_t product_id, int page_size, std::optional<int64_t> before_id) {
  return db_.Run("stock_movement.list", call.deadline,
                 [&](MySqlConnection& c) -> absl::StatusOr<Page<StockMovement>> {
                   SqlWhere where;
                   where.And("m.product_id = ?", {product_id});
                   KeysetQuery q(kMovementSelect, "FROM stock_movements m", where,
                                 " ORDER BY m.id DESC", page_size);
                   if (before_id) q.After("m.id < ?", {*before_id});
                   return ReadKeysetPage<StockMovement>(c, q, ReadMovement);
                 });
}

absl::StatusOr<Page<Inventory>> StockRepository::ListLowStock(
    const CallContext& call, int page_size, std::optional<int64_t> after_product_id) {
  return db_.Run("inventory.low_stock", call.deadline,
                 [&](MySqlConnection& c) -> absl::StatusOr<Page<Inventory>> {
                   SqlWhere where;
                   where.And("NOT p.discontinued AND p.low_stock_threshold_milli > 0")
                       .And("s.on_hand_milli - s.reserved_milli <= p.low_stock_threshold_milli");
                   KeysetQuery q(kInventorySelect,
                                 "FROM stock_levels s JOIN products p ON p.id = s.product_id",
                                 where, " ORDER BY s.product_id", page_size);
                   if (after_product_id) q.After("s.product_id > ?", {*after_product_id});
                   return ReadKeysetPage<Inventory>(c, q, ReadInventory);
                 });
}

absl::Status ReserveStock(MySqlConnection& c, const ProductQuantities& quantities) {
  for (const auto& [product_id, quantity] : quantities) {
    sql::PreparedStatement& reserve = c.Prepare(
        "UPDATE stock_levels SET reserved_milli = reserved_milli + ?"
        " WHERE product_id = ? AND on_hand_milli - reserved_milli >= ?");
    reserve.setInt64(1, quantity);
    reserve.setInt64(2, product_id);
    reserve.setInt64(3, quantity);
    if (reserve.executeUpdate() == 1) continue;
    std::unique_ptr<Inventory> now = LoadInventory(c, product_id);
    if (!now) return ProductNotFound(product_id);
    return WithErrorInfo(absl::FailedPreconditionError(absl::StrCat(
                             "not enough stock of product ", product_id, " (", now->product_name(),
                             "): ", FormatQuantity(quantity), " needed, ",
                             FormatQuantity(now->available_milli()), " available")),
                         "INSUFFICIENT_STOCK",
                         {{"product_id", absl::StrCat(product_id)},
                          {"needed_milli", absl::StrCat(quantity)},
                          {"available_milli", absl::StrCat(now->available_milli())}},
                         absl::StrCat("product/", product_id));
  }
  return absl::OkStatus();
}

void ReleaseStock(MySqlConnection& c, const ProductQuantities& quantities) {
  for (const auto& [product_id, quantity] : quantities) {
    sql::PreparedStatement& release = c.Prepare(
        "UPDATE stock_levels SET reserved_milli = reserved_milli - ? WHERE product_id = ?");
    release.setInt64(1, quantity);
    release.setInt64(2, product_id);
    release.executeUpdate();
  }
}

void ShipStock(MySqlConnection& c, const CallContext& call, int64_t order_id,
               const ProductQuantities& quantities) {
  for (const auto& [product_id, quantity] : quantities) {
    sql::PreparedStatement& ship = c.Prepare(
        "UPDATE stock_levels SET on_hand_milli = on_hand_milli - ?,"
        " reserved_milli = reserved_milli - ? WHERE product_id = ?");
    ship.setInt64(1, quantity);
    ship.setInt64(2, quantity);
    ship.setInt64(3, product_id);
    ship.executeUpdate();
    InsertMovement(c, call, product_id, v1::SHIPMENT, -quantity, "delivery", order_id, "");
  }
}

}  // namespace crm::sales
