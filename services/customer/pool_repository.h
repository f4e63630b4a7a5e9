// Moves of customers between owners, the public pool, colleagues' view and
// the recycle bin (R7): the SQL of the pool. Each move is one transaction
// with its change row.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "common/rpc/call_context.h"
#include "crm/customer/v1/customer.pb.h"
#include "services/customer/customer_access.h"

namespace crm {
class Database;
class MySqlConnection;
}  // namespace crm

namespace crm::customer {

class PoolRepository {
 public:
  // `zone`: the company's, for the moments error messages name.
  explicit PoolRepository(Database& db, absl::TimeZone zone = absl::UTCTimeZone())
      : db_(db), zone_(zone) {}

  // Pool -> caller. Of concurrent claims exactly one wins: the update is
  // conditional on the customer still being in the pool. The pool rules of
  // its level apply (pool_rules.h): the caller's holding limit and, if they
  // gave it up before, the reclaim cooldown.
  absl::StatusOr<v1::Customer> Claim(const CallContext& call, int64_t id);
  // Owner -> pool (the caller must be able to change it); shares end, and
  // the owner's reclaim cooldown starts.
  absl::StatusOr<v1::Customer> Release(const CallContext& call, int64_t id,
                                       const std::string& etag);
  // Pool (`from_pool`) or another owner -> `owner`. The caller must be able
  // to change the customer (pool customers: any head with the permission).
  // Within the new owner's holding limit; a previous owner's cooldown starts.
  absl::StatusOr<v1::Customer> Give(const CallContext& call, int64_t id, const std::string& etag,
                                    const Owner& owner, bool from_pool);
  absl::StatusOr<v1::Customer> Share(const CallContext& call, int64_t id,
                                     const std::vector<int64_t>& employee_ids);
  absl::StatusOr<v1::Customer> Unshare(const CallContext& call, int64_t id,
                                       const std::vector<int64_t>& employee_ids);
  // Recycle bin -> live; ALREADY_EXISTS when a live customer took its tax ID
  // or name meanwhile.
  absl::StatusOr<v1::Customer> Restore(const CallContext& call, int64_t id);
  // Recycle bin -> gone, with contacts, events and shares.
  absl::Status Purge(const CallContext& call, int64_t id);

 private:
  Database& db_;
  absl::TimeZone zone_;
};

// Inside a move's transaction: gives customer `id` to `owner` (Owner{}: the
// pool) at `now`, which also starts the owner's recycle days again; and
// ends its shares. Throw sql::SQLException.
void SetCustomerOwner(MySqlConnection& connection, int64_t id, const Owner& owner, absl::Time now);
void EndCustomerShares(MySqlConnection& connection, int64_t id);

}  // namespace crm::customer
