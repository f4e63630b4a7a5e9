// The roll-ups as INSERT … SELECT from the rows they sum, so a change reads
// and adds in one statement per table.
#include "services/reporting/sales_rollup.h"

#include <cppconn/prepared_statement.h>
#include <cppconn/resultset.h>

#include <memory>

#include "common/db/database.h"

namespace crm::reporting {
namespace {

constexpr char kAddToSalesDay[] =
    " ON DUPLICATE KEY UPDATE orders = orders + VALUES(orders),"
    " amount_fen = amount_fen + VALUES(amount_fen)";
constexpr char kAddToProductDay[] =
    " ON DUPLICATE KEY UPDATE orders = orders + VALUES(orders),"
    " quantity_milli = quantity_milli + VALUES(quantity_milli),"
    " amount_fen = amount_fen + VALUES(amount_fen), cost_fen = cost_fen + VALUES(cost_fen)";

// Orders per DeriveRollups statement: about 5 lines each, a few seconds.
constexpr int64_t kDeriveOrdersPerStatement = 100000;

}  // namespace

bool RollupsPerChange(MySqlConnection& c) {
  sql::PreparedStatement& read =
      c.Prepare("SELECT phase FROM rollup_state WHERE id = 1 LOCK IN SHARE MODE");
  std::unique_ptr<sql::ResultSet> rs(read.executeQuery());
  return !rs->next() || rs->getInt(1) == 0;
}

std::string LockCustomerRegion(MySqlConnection& c, int64_t customer_id) {
  // An insert or a primary-key duplicate locks the one row, never a gap.
  sql::PreparedStatement& touch = c.Prepare(
      "INSERT INTO customer_regions (customer_id, region_code) VALUES (?, '')"
      " ON DUPLICATE KEY UPDATE customer_id = customer_id");
  touch.setInt64(1, customer_id);
  touch.executeUpdate();
  sql::PreparedStatement& read =
      c.Prepare("SELECT region_code FROM customer_regions WHERE customer_id = ? FOR UPDATE");
  read.setInt64(1, customer_id);
  std::unique_ptr<sql::ResultSet> rs(read.executeQuery());
  return rs->next() ? std::string(rs->getString(1)) : std::string();
}

void RollUpOrder(MySqlConnection& c, int64_t order_id, int sign) {
  sql::PreparedStatement& day = c.Prepare(
      std::string("INSERT INTO sales_days (order_date, owner_id, region_code, owner_department_id,"
                  " owner_department_path, orders, amount_fen)"
                  " SELECT o.order_date, o.owner_id, COALESCE(r.region_code, ''),"
                  " o.owner_department_id, o.owner_department_path, ?, ? * o.total_fen"
                  " FROM orders o LEFT JOIN customer_regions r ON r.customer_id = o.customer_id"
                  " WHERE o.id = ? AND o.counted = 1") +
      kAddToSalesDay);
  day.setInt(1, sign);
  day.setInt(2, sign);
  day.setInt64(3, order_id);
  day.executeUpdate();

  // An order counts once per product however many of its lines name it.
  sql::PreparedStatement& products = c.Prepare(
      "INSERT INTO product_days (order_date, owner_id, product_id, owner_department_id,"
      " owner_department_path, orders, quantity_milli, amount_fen, cost_fen)"
      " SELECT l.order_date, l.owner_id, l.product_id, MAX(l.owner_department_id),"
      " MAX(l.owner_department_path), ?, ? * SUM(l.quantity_milli), ? * SUM(l.amount_fen),"
      " ? * SUM(l.cost_fen) FROM order_lines l WHERE l.order_id = ? AND l.counted = 1"
      " GROUP BY l.order_date, l.owner_id, l.product_id" +
      std::string(kAddToProductDay));
  for (int i = 1; i <= 4; ++i) products.setInt(i, sign);
  products.setInt64(5, order_id);
  products.executeUpdate();
}

void SetCustomerRegion(MySqlConnection& c, int64_t customer_id, const std::string& region,
                       bool per_change) {
  if (!per_change) {
    sql::PreparedStatement& upsert = c.Prepare(
        "INSERT INTO customer_regions (customer_id, region_code) VALUES (?, ?)"
        " ON DUPLICATE KEY UPDATE region_code = VALUES(region_code)");
    upsert.setInt64(1, customer_id);
    upsert.setString(2, region);
    upsert.executeUpdate();
    return;
  }
  const std::string held = LockCustomerRegion(c, customer_id);
  if (held == region) return;
  sql::PreparedStatement& set =
      c.Prepare("UPDATE customer_regions SET region_code = ? WHERE customer_id = ?");
  set.setString(1, region);
  set.setInt64(2, customer_id);
  set.executeUpdate();
  sql::PreparedStatement& move = c.Prepare(
      std::string("INSERT INTO sales_days (order_date, owner_id, region_code, owner_department_id,"
                  " owner_department_path, orders, amount_fen)"
                  " SELECT o.order_date, o.owner_id, ?, MAX(o.owner_department_id),"
                  " MAX(o.owner_department_path), ? * COUNT(*), ? * SUM(o.total_fen)"
                  " FROM orders o WHERE o.customer_id = ? AND o.counted = 1"
                  " GROUP BY o.order_date, o.owner_id") +
      kAddToSalesDay);
  auto add = [&](const std::string& to, int sign) {
    move.setString(1, to);
    move.setInt(2, sign);
    move.setInt(3, sign);
    move.setInt64(4, customer_id);
    move.executeUpdate();
  };
  add(held, -1);
  add(region, 1);
}

void DeriveRollups(MySqlConnection& c) {
  c.Execute("DELETE FROM sales_days");
  c.Execute("DELETE FROM product_days");
  std::unique_ptr<sql::ResultSet> last(
      c.Prepare("SELECT COALESCE(MAX(id), 0) FROM orders").executeQuery());
  const int64_t last_id = last->next() ? last->getInt64(1) : 0;
  // An order's lines are all in the range its id is in, so each order is
  // counted once per product however the ranges fall.
  sql::PreparedStatement& days = c.Prepare(
      std::string("INSERT INTO sales_days (order_date, owner_id, region_code, owner_department_id,"
                  " owner_department_path, orders, amount_fen)"
                  " SELECT o.order_date, o.owner_id, COALESCE(r.region_code, '') AS region,"
                  " MAX(o.owner_department_id), MAX(o.owner_department_path), COUNT(*),"
                  " SUM(o.total_fen) FROM orders o"
                  " LEFT JOIN customer_regions r ON r.customer_id = o.customer_id"
                  " WHERE o.id > ? AND o.id <= ? AND o.counted = 1"
                  " GROUP BY o.order_date, o.owner_id, region") +
      kAddToSalesDay);
  sql::PreparedStatement& products = c.Prepare(
      std::string("INSERT INTO product_days (order_date, owner_id, product_id,"
                  " owner_department_id, owner_department_path, orders, quantity_milli,"
                  " amount_fen, cost_fen)"
                  " SELECT l.order_date, l.owner_id, l.product_id, MAX(l.owner_department_id),"
                  " MAX(l.owner_department_path), COUNT(DISTINCT l.order_id),"
                  " SUM(l.quantity_milli), SUM(l.amount_fen), SUM(l.cost_fen) FROM order_lines l"
                  " WHERE l.order_id > ? AND l.order_id <= ? AND l.counted = 1"
                  " GROUP BY l.order_date, l.owner_id, l.product_id") +
      kAddToProductDay);
  for (int64_t after = 0; after < last_id; after += kDeriveOrdersPerStatement) {
    for (sql::PreparedStatement* stmt : {&days, &products}) {
      stmt->setInt64(1, after);
      stmt->setInt64(2, after + kDeriveOrdersPerStatement);
      stmt->executeUpdate();
    }
  }
}

}  // namespace crm::reporting
