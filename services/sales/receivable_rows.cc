// Contract money and plans as stored (see receivable_rows.h).
#include "services/sales/receivable_rows.h"

#include <cppconn/prepared_statement.h>
#include <cppconn/resultset.h>

#include <memory>

#include "absl/strings/str_cat.h"
#include "common/base/dates.h"
#include "common/base/status_util.h"
#include "common/db/mysql_pool.h"
#include "common/db/sql_where.h"
#include "services/sales/money.h"

namespace crm::sales {

std::optional<ContractMoney> LoadContractMoney(MySqlConnection& c, const VisibilityScope& scope,
                                               int64_t id, bool for_update) {
  SqlWhere where;
  where.And("k.id = ?", {id});
  RestrictToScope(where, scope, "k.owner_id", "k.owner_department_path");
  sql::PreparedStatement& stmt = c.Prepare(
      absl::StrCat("SELECT k.number, k.status, k.amount_fen, k.received_fen, k.prepaid_fen,"
                   " k.invoiced_fen FROM contracts k",
                   where.Sql(), for_update ? " FOR UPDATE" : ""));
  where.Bind(stmt);
  std::unique_ptr<sql::ResultSet> rs(stmt.executeQuery());
  if (!rs->next()) return std::nullopt;
  ContractMoney money;
  money.id = id;
  money.number = rs->getString(1);
  money.status = static_cast<v1::ContractStatus>(rs->getInt(2));
  money.amount_fen = rs->getInt64(3);
  money.received_fen = rs->getInt64(4);
  money.prepaid_fen = rs->getInt64(5);
  money.invoiced_fen = rs->getInt64(6);
  return money;
}

std::vector<InstalmentBalance> LoadPlan(MySqlConnection& c, int64_t contract_id, bool for_update) {
  sql::PreparedStatement& stmt = c.Prepare(absl::StrCat(
      "SELECT id, sequence, due_date, amount_fen, received_fen FROM payment_instalments"
      " WHERE contract_id = ? ORDER BY sequence",
      for_update ? " FOR UPDATE" : ""));
  stmt.setInt64(1, contract_id);
  std::unique_ptr<sql::ResultSet> rs(stmt.executeQuery());
  std::vector<InstalmentBalance> plan;
  while (rs->next()) {
    InstalmentBalance i;
    i.id = rs->getInt64(1);
    i.sequence = rs->getInt(2);
    // A DATE column always reads as YYYY-MM-DD.
    i.due = ParseIsoDate(std::string(rs->getString(3))).value_or(absl::CivilDay());
    i.amount_fen = rs->getInt64(4);
    i.received_fen = rs->getInt64(5);
    plan.push_back(i);
  }
  return plan;
}

v1::Instalment InstalmentMessage(const InstalmentBalance& instalment, absl::CivilDay today) {
  v1::Instalment out;
  out.set_id(instalment.id);
  out.set_sequence(instalment.sequence);
  out.set_due_date(FormatIsoDate(instalment.due));
  *out.mutable_amount() = Fen(instalment.amount_fen);
  *out.mutable_received() = Fen(instalment.received_fen);
  *out.mutable_outstanding() = Fen(instalment.outstanding_fen());
  if (instalment.outstanding_fen() > 0) out.set_days_overdue(DaysOverdue(instalment.due, today));
  return out;
}

v1::PaymentPlan PlanMessage(const ContractMoney& contract,
                            const std::vector<InstalmentBalance>& plan, absl::CivilDay today) {
  v1::PaymentPlan out;
  out.set_contract_id(contract.id);
  out.set_contract_number(contract.number);
  int64_t overdue = 0;
  for (const InstalmentBalance& i : plan) {
    *out.add_instalments() = InstalmentMessage(i, today);
    if (DaysOverdue(i.due, today) > 0) overdue += i.outstanding_fen();
  }
  *out.mutable_contract_amount() = Fen(contract.amount_fen);
  *out.mutable_received() = Fen(contract.received_fen);
  *out.mutable_outstanding() = Fen(contract.amount_fen - contract.received_fen);
  *out.mutable_prepaid() = Fen(contract.prepaid_fen);
  *out.mutable_invoiced() = Fen(contract.invoiced_fen);
  *out.mutable_overdue() = Fen(overdue);
  return out;
}

absl::Status ContractNotFound(int64_t id) {
  return absl::NotFoundError(absl::StrCat("contract ", id, " not found"));
}

absl::Status WrongContractStatus(const ContractMoney& k, absl::string_view what,
                                 absl::string_view allowed) {
  return WithErrorInfo(absl::FailedPreconditionError(absl::StrCat(
                           "contract ", k.number, " is ", v1::ContractStatus_Name(k.status), ": ",
                           what, " only on ", allowed, " contracts")),
                       "STATUS_STEP_NOT_ALLOWED", {{"status", v1::ContractStatus_Name(k.status)}},
                       absl::StrCat("contract/", k.id));
}

bool Receivable(const ContractMoney& k) {
  return k.status == v1::CONTRACT_STATUS_SIGNED || k.status == v1::CONTRACT_STATUS_COMPLETED;
}

// Locks the contract the caller may change, or NOT_FOUND.
absl::StatusOr<ContractMoney> LockContract(MySqlConnection& c, const CallContext& call,
                                           int64_t id) {
  std::optional<ContractMoney> k = LoadContractMoney(c, WriteScopeOf(call.caller), id, true);
  if (!k) return ContractNotFound(id);
  return *k;
}

}  // namespace crm::sales
