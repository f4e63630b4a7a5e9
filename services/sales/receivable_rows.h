// What the receivable repository's files share: a contract's money as its row
// holds it, its plan, and the messages built from them. Internal to
// receivable_repository.cc and receivable_lists.cc.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"
#include "common/base/money.h"
#include "common/db/visibility.h"
#include "common/rpc/call_context.h"
#include "crm/sales/v1/contract.pb.h"
#include "crm/sales/v1/receivable.pb.h"
#include "services/sales/receivable_rules.h"

namespace crm {
class MySqlConnection;
}

namespace crm::sales {

// Contracts whose money is receivable: signed, or completed.
inline constexpr char kReceivableStatuses[] = "k.status IN (2, 3)";

struct ContractMoney {
  int64_t id = 0;
  std::string number;
  v1::ContractStatus status = v1::CONTRACT_STATUS_UNSPECIFIED;
  int64_t amount_fen = 0;
  int64_t received_fen = 0;
  int64_t prepaid_fen = 0;
  int64_t invoiced_fen = 0;
};

// Contract `id` within `scope`; `for_update` locks its row. nullopt when the
// scope does not hold it. Throws sql::SQLException.
std::optional<ContractMoney> LoadContractMoney(MySqlConnection& c, const VisibilityScope& scope,
                                               int64_t id, bool for_update);

// The contract's plan in sequence order; `for_update` locks its rows.
std::vector<InstalmentBalance> LoadPlan(MySqlConnection& c, int64_t contract_id, bool for_update);

v1::Instalment InstalmentMessage(const InstalmentBalance& instalment, absl::CivilDay today);
v1::PaymentPlan PlanMessage(const ContractMoney& contract,
                            const std::vector<InstalmentBalance>& plan, absl::CivilDay today);

absl::Status ContractNotFound(int64_t id);
// FAILED_PRECONDITION: `what` happens only on `allowed` contracts.
absl::Status WrongContractStatus(const ContractMoney& k, absl::string_view what,
                                 absl::string_view allowed);
// Whether money is received on it: SIGNED or COMPLETED.
bool Receivable(const ContractMoney& k);
// Locks the contract the caller may change, or NOT_FOUND.
absl::StatusOr<ContractMoney> LockContract(MySqlConnection& c, const CallContext& call, int64_t id);

}  // namespace crm::sales
