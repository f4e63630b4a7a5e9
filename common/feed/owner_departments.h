// Owned records (customers, orders, opportunities …) store their owner's
// department (id and path) for row-level visibility (db/visibility.h). Each
// service that owns records follows the org service's change feed to keep
// those in step: a department that moves, an employee who changes
// department. It also keeps where each employee works (its own
// owner_departments table) for the records created next, since a caller's
// token may predate a transfer.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "common/rpc/call_context.h"

namespace crm {
class MySqlConnection;
namespace common::v1 {
class Change;
}

// The owner fields a record takes from an employee.
struct Owner {
  int64_t employee_id = 0;  // 0: nobody (the customer pool)
  int64_t department_id = 0;
  std::string department_path;
};

// A table of owned records: its owner_id, owner_department_id and
// owner_department_path columns are what the org feed keeps in step.
struct OwnedTable {
  const char* table;  // a constant, e.g. "customers"
};

// Applies one org change (Department or Employee) to owner_departments and
// to every table in `tables`. For a FeedConsumer's apply function.
void ApplyOwnerDepartmentChange(MySqlConnection& connection, const common::v1::Change& change,
                                const std::vector<OwnedTable>& tables);

// The caller as the owner of a record they create, with the department the
// org feed last said they are in (owner_departments); the token's only when
// the feed has not told of them yet. Locks that row (or its gap) in share
// mode: a transfer being applied waits for this write to commit, then moves
// its record too. Throws sql::SQLException.
Owner CurrentOwner(MySqlConnection& connection, const Caller& caller);

}  // namespace crm
