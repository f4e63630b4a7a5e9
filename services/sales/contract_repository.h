// SQL for contracts (R16), under row-level visibility like orders. A
// contract of an order takes the order's customer and total, and an order
// has at most one contract.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "common/db/keyset_page.h"
#include "common/db/visibility.h"
#include "common/rpc/call_context.h"
#include "crm/sales/v1/contract.pb.h"

namespace crm {
class Database;
class MySqlConnection;
}  // namespace crm

namespace crm::sales {

class ContractRepository {
 public:
  // `zone`: the company's, for the day in a contract number.
  ContractRepository(Database& db, absl::TimeZone zone) : db_(db), zone_(zone) {}

  // Creates a draft from `contract` (validated). With an order_id, the order
  // (one the caller may change) is locked and must be CONFIRMED, PARTIALLY_
  // DELIVERED or COMPLETED and have no contract yet (else FAILED_PRECONDITION
  // or ALREADY_EXISTS); its customer and total become the contract's.
  absl::StatusOr<v1::Contract> Create(const CallContext& call, const v1::Contract& contract,
                                      const std::string& request_id);
  absl::StatusOr<v1::Contract> Get(const CallContext& call, int64_t id);
  absl::StatusOr<v1::Contract> Update(
      const CallContext& call, int64_t id, const std::string& etag,
      const std::function<absl::Status(MySqlConnection&, v1::Contract&)>& change);
  absl::StatusOr<Page<v1::Contract>> List(const CallContext& call, int64_t customer_id,
                                          v1::ContractStatus status, int page_size,
                                          std::optional<int64_t> before_id);

  absl::TimeZone zone() const { return zone_; }

 private:
  Database& db_;
  absl::TimeZone zone_;
};

// The contract if in `scope`, locked when `for_update`; null otherwise (for
// approvals, inside their transaction).
std::unique_ptr<v1::Contract> LoadContractRow(MySqlConnection& connection,
                                              const VisibilityScope& scope, int64_t id,
                                              bool for_update);

}  // namespace crm::sales
