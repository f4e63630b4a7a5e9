// The daily sales roll-ups (sales_days, product_days; migrations/V0007):
// kept equal to the sums of the counted orders they roll up, inside the feed
// transaction that changes those orders or their customer's region. Part of
// ReadModel (read_model.h).
#pragma once

#include <cstdint>
#include <string>

namespace crm {
class MySqlConnection;
}  // namespace crm

namespace crm::reporting {

// Locks customer `customer_id` (or the gap where it would be) in share mode
// before an order of theirs is written: a region change being applied then
// either waits for the order or has moved the customer's orders already.
// Throws sql::SQLException.
void LockCustomerRegion(MySqlConnection& connection, int64_t customer_id);

// Adds (`sign` 1) or withdraws (-1) what order `order_id`, as the read model
// holds it now, contributes to the roll-ups: nothing unless it is counted.
// An order's change withdraws the old row before writing and adds the new
// one after. Throws sql::SQLException.
void RollUpOrder(MySqlConnection& connection, int64_t order_id, int sign);

// Moves customer `customer_id`'s counted orders from region `from` to `to`.
// Throws sql::SQLException.
void MoveCustomerRegion(MySqlConnection& connection, int64_t customer_id, const std::string& from,
                        const std::string& to);

}  // namespace crm::reporting
