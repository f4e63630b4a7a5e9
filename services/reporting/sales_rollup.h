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

// Creates (with an empty region) or locks customer `customer_id`'s
// customer_regions row and returns its region. Throws sql::SQLException.
std::string LockCustomerRegion(MySqlConnection& connection, int64_t customer_id);

// Adds (`sign` 1) or withdraws (-1) what order `order_id`, as the read model
// holds it now, contributes to the roll-ups: nothing unless it is counted.
// An order's change withdraws the old row before writing and adds the new
// one after, its customer's region locked first (LockCustomerRegion).
// Throws sql::SQLException.
void RollUpOrder(MySqlConnection& connection, int64_t order_id, int sign);

// Sets customer `customer_id`'s region to `region` (its row locked first)
// and moves their counted orders there. Throws sql::SQLException.
void SetCustomerRegion(MySqlConnection& connection, int64_t customer_id, const std::string& region);

}  // namespace crm::reporting
