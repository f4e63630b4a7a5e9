// The daily sales roll-ups (sales_days, product_days; migrations/V0007):
// kept equal to the sums of the counted orders they roll up, inside the feed
// transaction that changes those orders or their customer's region. Part of
// ReadModel (read_model.h).
//
// Both the sales and the customer feed lock a customer's customer_regions
// row (migrations/V0008) before touching their roll-up, so an order being
// applied and its customer's region change never interleave: whichever
// commits second sees what the first wrote.
#pragma once

#include <cstdint>
#include <string>

namespace crm {
class MySqlConnection;
}  // namespace crm

namespace crm::reporting {

// Whether the roll-ups are kept change by change (rollup_state phase 0,
// migrations/V0009) rather than left for RollupRestorer to derive after a
// rebuild. Read in share mode: a feed's transaction holds its cursor, and
// the phase only moves while that cursor is paused or locked.
// Throws sql::SQLException.
bool RollupsPerChange(MySqlConnection& connection);

// Creates (with an empty region) or locks customer `customer_id`'s
// customer_regions row and returns its region. Throws sql::SQLException.
std::string LockCustomerRegion(MySqlConnection& connection, int64_t customer_id);

// Adds (`sign` 1) or withdraws (-1) what order `order_id`, as the read model
// holds it now, contributes to the roll-ups: nothing unless it is counted.
// An order's change withdraws the old row before writing and adds the new
// one after, its customer's region locked first (LockCustomerRegion).
// Throws sql::SQLException.
void RollUpOrder(MySqlConnection& connection, int64_t order_id, int sign);

// Sets customer `customer_id`'s region to `region` and, when the roll-ups
// are kept `per_change`, moves their counted orders there (the row locked
// first). Throws sql::SQLException.
void SetCustomerRegion(MySqlConnection& connection, int64_t customer_id, const std::string& region,
                       bool per_change);

// Empties the roll-ups and sums them again from every counted order and
// line the model holds, in ranges of order ids so that no statement runs
// near the connection's read timeout. Throws sql::SQLException.
void DeriveRollups(MySqlConnection& connection);

}  // namespace crm::reporting
