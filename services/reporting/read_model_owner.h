// The owner columns of a read-model row, from the org feed's view of where
// the owner works (owner_departments).
#pragma once

#include <cstdint>

#include "common/feed/owner_departments.h"

namespace crm::reporting {

// Where `employee_id` works as the org feed last said (department 0 and an
// empty path while it has not said yet: applying the employee later moves
// the record, as for any transfer). The feeds are applied concurrently, so
// the row (or its gap) is locked in share mode: an org change being applied
// waits for this record to commit, then moves it too, instead of missing it.
// Throws sql::SQLException.
Owner OwnerOf(MySqlConnection& connection, int64_t employee_id);

}  // namespace crm::reporting
