// Keeps each customer's owner department (id and path, used for visibility) in
// step with the org service: a department that moves, an employee who changes
// department. It follows the org service's change feed, and keeps where each
// employee works (owner_departments) for the customers created next.
#pragma once

#include "common/feed/feed_consumer.h"

namespace crm {
class MySqlConnection;
}  // namespace crm

namespace crm::customer {

// Applies one org change (Department or Employee) to the customers table.
void ApplyOrgChange(MySqlConnection& connection, const common::v1::Change& change);

}  // namespace crm::customer
