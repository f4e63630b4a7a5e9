// SQL for stock: the movement ledger (stock_movements, never changed) and
// each product's running level (stock_levels), moved together in one
// transaction. A product's stock_levels row is the lock for everything done
// to its stock; callers that touch several products take them in product id
// order (std::map), so two transactions never wait on each other in a cycle.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "common/db/keyset_page.h"
#include "common/rpc/call_context.h"
#include "crm/sales/v1/product.pb.h"

namespace crm {
class Database;
class MySqlConnection;
}  // namespace crm

namespace crm::sales {

// Thousandths of a unit per product id, in product id order.
using ProductQuantities = std::map<int64_t, int64_t>;

class StockRepository {
 public:
  explicit StockRepository(Database& db) : db_(db) {}

  // A receipt or an adjustment (validated). NOT_FOUND without the product;
  // FAILED_PRECONDITION when it would leave less on hand than is reserved.
  absl::StatusOr<v1::StockMovement> Record(const CallContext& call,
                                           const v1::StockMovement& movement,
                                           const std::string& request_id);
  absl::StatusOr<v1::Inventory> Get(const CallContext& call, int64_t product_id);
  // Newest first; `before_id` the last one of the previous page.
  absl::StatusOr<Page<v1::StockMovement>> ListMovements(const CallContext& call, int64_t product_id,
                                                        int page_size,
                                                        std::optional<int64_t> before_id);
  // Products not discontinued at or below their threshold, by product id.
  absl::StatusOr<Page<v1::Inventory>> ListLowStock(const CallContext& call, int page_size,
                                                   std::optional<int64_t> after_product_id);

 private:
  Database& db_;
};

// Inside an order's transaction. Each takes the products in id order.
//
// Reserves `quantities`: all or nothing (the caller's transaction rolls back
// on an error). FAILED_PRECONDITION naming the first product short of stock.
absl::Status ReserveStock(MySqlConnection& connection, const ProductQuantities& quantities);
// Gives back reservations that will not ship (a cancelled order).
void ReleaseStock(MySqlConnection& connection, const ProductQuantities& quantities);
// Ships reserved stock for order `order_id`: a SHIPMENT movement per product,
// on hand and reserved both down.
void ShipStock(MySqlConnection& connection, const CallContext& call, int64_t order_id,
               const ProductQuantities& quantities);

// "2.5", "1", "0.001": a quantity in thousandths as people read it.
std::string FormatQuantity(int64_t milli);

}  // namespace crm::sales
