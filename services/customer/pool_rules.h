// The pool's rules per customer level (公海规则, pool_rules.proto): their SQL
// and handlers, and the checks the pool's moves make inside their own
// transactions (pool_repository.cc): the holding limit, the reclaim
// cooldown, and the departures the cooldown counts from.
#pragma once

#include <cstdint>
#include <string>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "common/rpc/call_context.h"
#include "crm/customer/v1/pool_rules.pb.h"

namespace crm {
class Database;
class MySqlConnection;
}  // namespace crm

namespace crm::customer {

class PoolRuleHandlers {
 public:
  explicit PoolRuleHandlers(Database& db) : db_(db) {}

  absl::Status SetPoolRule(const CallContext& call, const v1::SetPoolRuleRequest& request,
                           v1::PoolRule* response);
  absl::Status ListPoolRules(const CallContext& call, const v1::ListPoolRulesRequest& request,
                             v1::ListPoolRulesResponse* response);

 private:
  Database& db_;
};

// FAILED_PRECONDITION when `employee_id` already owns as many live customers
// of `level_code` as its rule allows. Locks the employee's holder row first,
// so concurrent claims and assignments to one employee take turns. `who`:
// "you" or "employee N", for the message. Throws sql::SQLException.
absl::Status CheckHoldingLimit(MySqlConnection& c, const std::string& level_code,
                               int64_t employee_id, const std::string& who);

// FAILED_PRECONDITION when `employee_id` gave customer `customer_id` up less
// than its level's cooldown before `now`; the message names the moment it
// may be claimed again, in `zone`. Throws sql::SQLException.
absl::Status CheckReclaimCooldown(MySqlConnection& c, int64_t customer_id,
                                  const std::string& level_code, int64_t employee_id,
                                  absl::Time now, absl::TimeZone zone);

// Records that `employee_id` gave customer `customer_id` up at `now`.
void RecordDeparture(MySqlConnection& c, int64_t customer_id, int64_t employee_id, absl::Time now);

}  // namespace crm::customer
