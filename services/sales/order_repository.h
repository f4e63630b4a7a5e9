// SQL for sales orders and their lines, under row-level visibility (an order
// is owned by the employee who made it, in that employee's department).
// Status steps that touch stock call stock_repository.h inside the order's
// transaction: the order row is locked first, then the products in id order.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "common/db/keyset_page.h"
#include "common/db/visibility.h"
#include "common/rpc/call_context.h"
#include "crm/sales/v1/order.pb.h"

namespace crm {
class Database;
class MySqlConnection;
}  // namespace crm

namespace crm::sales {

struct OrderFilter {
  int64_t customer_id = 0;  // 0: any
  v1::OrderStatus status = v1::ORDER_STATUS_UNSPECIFIED;
  int64_t owner_employee_id = 0;
  int64_t campaign_id = 0;
};

// An order made from another document in the same transaction (a quote
// accepted): `lock` runs first and locks the source; `prepare` checks it and
// fills the draft's lines, already priced; `link` records the new order's
// id on the source, after the order's number is taken (it may append the
// source's change). Each throws sql::SQLException or returns an error,
// which rolls everything back.
struct OrderSource {
  std::function<absl::Status(MySqlConnection&)> lock;
  std::function<absl::Status(MySqlConnection&, v1::Order& draft)> prepare;
  std::function<void(MySqlConnection&, int64_t order_id)> link;
};

// What an edit changes besides the header, so the write touches no more rows
// than it must.
enum class LineWrite {
  kNone,                 // a status step that ships nothing (confirm, cancel)
  kDeliveredQuantities,  // deliveries
  kReplaceAll,           // a draft's lines replaced (re-priced by the edit)
};

// Lets an order step edit the order (loaded and locked) inside its
// transaction, e.g. reserve its stock; an error rolls everything back.
using OrderEdit = std::function<absl::Status(MySqlConnection&, v1::Order&)>;
// A step that reads the order as stored (and writes elsewhere: its stock).
using OrderStep = std::function<absl::Status(MySqlConnection&, const v1::Order&)>;

class OrderRepository {
 public:
  // `zone`: the company's, for the day in an order number and the default
  // order date.
  OrderRepository(Database& db, absl::TimeZone zone) : db_(db), zone_(zone) {}

  // Creates a draft from `order` (validated; lines name products): lines are
  // completed from the products and priced (order_lines.h), the caller is
  // the owner, the number the next of the day. A retry with the same request
  // id returns the first order, number and all. With a `source`, the lines
  // come from it instead (see OrderSource).
  absl::StatusOr<v1::Order> Create(const CallContext& call, const v1::Order& order,
                                   const std::string& request_id,
                                   const OrderSource* source = nullptr);
  // NOT_FOUND when missing or out of the caller's sight.
  absl::StatusOr<v1::Order> Get(const CallContext& call, int64_t id);
  // Locks the order (one the caller may change), checks `etag` (when not
  // empty), lets `edit` change it, and writes it back: its header, and its
  // lines as `lines` says. `last`, when given, runs after the write, just
  // before the commit (UpdateVersionedThen): for the stock a step reserves.
  absl::StatusOr<v1::Order> Update(const CallContext& call, int64_t id, const std::string& etag,
                                   const OrderEdit& edit, LineWrite lines,
                                   const OrderStep& last = nullptr);
  // Newest first.
  absl::StatusOr<Page<v1::Order>> List(const CallContext& call, const OrderFilter& filter,
                                       int page_size, std::optional<int64_t> before_id);

  absl::TimeZone zone() const { return zone_; }

 private:
  Database& db_;
  absl::TimeZone zone_;
};

// For approvals, inside their transaction: the order with its lines, locked,
// if in `scope` (an approver's decision reaches orders outside their own
// scope: pass VisibilityScope{kAll}); null otherwise.
std::unique_ptr<v1::Order> LockOrder(MySqlConnection& connection, const VisibilityScope& scope,
                                     int64_t id);
// The same, not locked.
std::unique_ptr<v1::Order> LoadOrderRow(MySqlConnection& connection, const VisibilityScope& scope,
                                        int64_t id);
// Writes the order's approval fields and moves its version on (the caller
// appends the change).
void WriteOrderApproval(MySqlConnection& connection, const v1::Order& order, absl::Time now);

// Whether this caller already made a delivery with `request_key` (then a
// retry delivers nothing more), and recording one.
bool DeliveryRecorded(MySqlConnection& connection, const std::string& request_key);
void RecordDelivery(MySqlConnection& connection, int64_t order_id, const std::string& request_key,
                    absl::Time now);

}  // namespace crm::sales
