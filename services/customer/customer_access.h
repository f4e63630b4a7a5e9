// Who may see and change which customer rows (customers aliased `c`): the
// visibility scope of common/db/visibility.h, plus, for reading, the public pool
// and the customers shared with the caller. Loads customers under it.
#pragma once

#include <cstdint>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "common/db/visibility.h"
#include "common/feed/owner_departments.h"
#include "common/rpc/call_context.h"
#include "crm/customer/v1/customer.pb.h"

namespace crm {
class MySqlConnection;
class SqlWhere;
}  // namespace crm

namespace crm::customer {

enum class Access {
  kRead,   // scope, pool, or shared with the caller
  kWrite,  // scope only: owner, their department's heads, management
};

// Which customers the caller reads: its visibility scope (visibility.h),
// except that service staff and implementers read every customer. They take
// calls and visit sites for whichever customer needs them, and file service
// requests, requirements and implementation records for it. Writes keep
// WriteScopeOf (and these roles hold no customer.write anyway).
VisibilityScope CustomerReadScope(const Caller& caller);

void RestrictCustomers(SqlWhere& where, const Caller& caller, Access access);

// Adds "in scope, or shared with the caller" (the active view of lists; a
// scope of everything includes the pool). The share branch is only added when the caller has
// shares, so the common query keeps using the owner and path indexes.
void RestrictToActiveView(MySqlConnection& connection, SqlWhere& where, const Caller& caller);
// The same when the caller's shares are known (CallerHasShares).
void RestrictToActiveView(SqlWhere& where, const Caller& caller, bool caller_has_shares);
bool CallerHasShares(MySqlConnection& connection, const Caller& caller);

// A live customer the caller may access, with its shares; nullptr when there
// is none (or it is out of sight). Locks the row when `for_update`.
std::unique_ptr<v1::Customer> LoadCustomer(MySqlConnection& connection, const Caller& caller,
                                           int64_t id, Access access, bool for_update);

// Which of `ids` (live customers) the caller may see, in a few queries: what
// an error may name (a duplicate out of sight is only said to exist).
std::set<int64_t> VisibleAmong(MySqlConnection& connection, const Caller& caller,
                               const std::vector<int64_t>& ids);

// The customer whatever its state and whoever asks (after an access check
// done otherwise), with its shares; nullptr when there is no such row.
std::unique_ptr<v1::Customer> LoadCustomerRow(MySqlConnection& connection, int64_t id,
                                              bool for_update);

// Fills shared_with_employee_ids of each customer in one query.
void FillShares(MySqlConnection& connection, const std::vector<v1::Customer*>& customers);

absl::Status CustomerNotFound(int64_t id);

}  // namespace crm::customer
