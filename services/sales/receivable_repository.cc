// ReceivableRepository: payment plans and the receipt ledger. Invoices are
// in receivable_invoices.cc, the aging lists in receivable_lists.cc.
//
// Every write runs in one transaction that first locks the contract row
// (within what the caller may change), then reads with locking reads only,
// so it sees the latest committed money of the contract, never a snapshot
// older than its lock.
#include "services/sales/receivable_repository.h"

#include <cppconn/prepared_statement.h>
#include <cppconn/resultset.h>

#include <map>
#include <memory>
#include <string>

#include "absl/strings/str_cat.h"
#include "common/base/dates.h"
#include "common/base/status_util.h"
#include "common/db/database.h"
#include "common/db/record_helpers.h"
#include "common/db/sql_time.h"
#include "common/db/sql_where.h"
#include "common/feed/change_log.h"
#include "common/feed/versioned_rows.h"
#include "services/sales/approval_repository.h"
#include "services/sales/money.h"
#include "services/sales/order_pricing.h"
#include "services/sales/receivable_rows.h"

namespace crm::sales {
namespace {

using v1::Receipt;

constexpr char kReceiptSelect[] =
    "SELECT r.id, r.contract_id, r.kind, r.amount_fen, r.applied_fen, r.prepaid_fen,"
    " r.received_date, r.method, r.payer, r.reference, r.remarks, r.instalment_id,"
    " r.voids_receipt_id, (SELECT v.id FROM receipts v WHERE v.voids_receipt_id = r.id),"
    " r.recorded_by, r.created_at FROM receipts r JOIN contracts k ON k.id = r.contract_id";

int64_t IdOrZero(sql::ResultSet& rs, int column) {
  return rs.isNull(column) ? 0 : rs.getInt64(column);
}

Receipt ReadReceipt(sql::ResultSet& rs) {
  Receipt r;
  r.set_id(rs.getInt64(1));
  r.set_contract_id(rs.getInt64(2));
  r.set_kind(static_cast<v1::ReceiptKind>(rs.getInt(3)));
  *r.mutable_amount() = Fen(rs.getInt64(4));
  *r.mutable_applied() = Fen(rs.getInt64(5));
  *r.mutable_prepaid() = Fen(rs.getInt64(6));
  r.set_received_date(rs.getString(7));
  r.set_method(static_cast<v1::PaymentMethod>(rs.getInt(8)));
  r.set_payer(rs.getString(9));
  r.set_reference(rs.getString(10));
  r.set_remarks(rs.getString(11));
  r.set_instalment_id(IdOrZero(rs, 12));
  r.set_voids_receipt_id(IdOrZero(rs, 13));
  r.set_voided_by_receipt_id(IdOrZero(rs, 14));
  r.set_recorded_by_employee_id(rs.getInt64(15));
  SqlDateTimeToTimestamp(rs.getString(16), r.mutable_create_time());
  return r;
}

// Fills the allocations of `receipts` (rows of one contract).
void LoadAllocations(MySqlConnection& c, std::vector<Receipt>& receipts) {
  if (receipts.empty()) return;
  std::map<int64_t, Receipt*> by_id;
  for (Receipt& r : receipts) by_id[r.id()] = &r;
  sql::PreparedStatement& stmt = c.Prepare(
      "SELECT a.receipt_id, a.instalment_id, COALESCE(i.sequence, 0), a.amount_fen"
      " FROM receipts r JOIN receipt_allocations a ON a.receipt_id = r.id"
      " LEFT JOIN payment_instalments i ON i.id = a.instalment_id"
      " WHERE r.contract_id = ? AND r.id BETWEEN ? AND ? ORDER BY a.receipt_id, i.sequence");
  stmt.setInt64(1, receipts.front().contract_id());
  stmt.setInt64(2, by_id.begin()->first);
  stmt.setInt64(3, by_id.rbegin()->first);
  std::unique_ptr<sql::ResultSet> rs(stmt.executeQuery());
  while (rs->next()) {
    auto it = by_id.find(rs->getInt64(1));
    if (it == by_id.end()) continue;
    v1::ReceiptAllocation& a = *it->second->add_allocations();
    a.set_instalment_id(rs->getInt64(2));
    a.set_sequence(rs->getInt(3));
    *a.mutable_amount() = Fen(rs->getInt64(4));
  }
}

std::unique_ptr<Receipt> LoadReceipt(MySqlConnection& c, const VisibilityScope& scope, int64_t id) {
  SqlWhere where;
  where.And("r.id = ?", {id});
  RestrictToScope(where, scope, "k.owner_id", "k.owner_department_path");
  sql::PreparedStatement& stmt = c.Prepare(kReceiptSelect + where.Sql());
  where.Bind(stmt);
  std::unique_ptr<sql::ResultSet> rs(stmt.executeQuery());
  if (!rs->next()) return nullptr;
  std::vector<Receipt> one{ReadReceipt(*rs)};
  LoadAllocations(c, one);
  return std::make_unique<Receipt>(std::move(one[0]));
}

RecordTable<Receipt> ReceiptTable(const CallContext& call) {
  return {"receipts", "receipt",
          [&call](MySqlConnection& c, int64_t id, bool) {
            return LoadReceipt(c, ScopeOf(call.caller), id);
          },
          [&call](MySqlConnection& c, int64_t id) {
            return LoadReceipt(c, ScopeOf(call.caller), id) != nullptr;
          }};
}

// A receipt row about to be written: `row` holds what the caller said
// (kind, amount, date, method, payer, reference, remarks, instalment_id),
// `split` where its money goes.
struct LedgerEntry {
  Receipt row;
  std::vector<Allocation> allocations;
  int64_t applied_fen = 0;
  int64_t prepaid_fen = 0;
};

// Writes `entry` for `contract`: the receipt row, its allocations, the
// instalments' and the contract's totals. Returns the row's id.
int64_t WriteLedgerEntry(MySqlConnection& c, const CallContext& call, const ContractMoney& contract,
                         const LedgerEntry& entry, const std::string& request_key) {
  const std::string now = FormatSqlDateTime(call.Now());
  const Receipt& r = entry.row;
  sql::PreparedStatement& insert = c.Prepare(
      "INSERT INTO receipts (contract_id, kind, amount_fen, applied_fen, prepaid_fen,"
      " received_date, method, payer, reference, remarks, instalment_id, voids_receipt_id,"
      " recorded_by, create_request_id, created_at, updated_at)"
      " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
  insert.setInt64(1, contract.id);
  insert.setInt(2, r.kind());
  insert.setInt64(3, entry.applied_fen + entry.prepaid_fen);
  insert.setInt64(4, entry.applied_fen);
  insert.setInt64(5, entry.prepaid_fen);
  insert.setString(6, r.received_date());
  insert.setInt(7, r.method());
  insert.setString(8, r.payer());
  insert.setString(9, r.reference());
  insert.setString(10, r.remarks());
  SetIdOrNull(insert, 11, r.instalment_id());
  SetIdOrNull(insert, 12, r.voids_receipt_id());
  insert.setInt64(13, call.caller.employee_id);
  SetStringOrNull(insert, 14, request_key);
  insert.setDateTime(15, now);
  insert.setDateTime(16, now);
  insert.executeUpdate();
  const int64_t id = c.LastInsertId();
  for (const Allocation& a : entry.allocations) {
    sql::PreparedStatement& allocate = c.Prepare(
        "INSERT INTO receipt_allocations (receipt_id, instalment_id, amount_fen) VALUES (?, ?, ?)");
    allocate.setInt64(1, id);
    allocate.setInt64(2, a.instalment_id);
    allocate.setInt64(3, a.amount_fen);
    allocate.executeUpdate();
    sql::PreparedStatement& instalment =
        c.Prepare("UPDATE payment_instalments SET received_fen = received_fen + ? WHERE id = ?");
    instalment.setInt64(1, a.amount_fen);
    instalment.setInt64(2, a.instalment_id);
    instalment.executeUpdate();
  }
  sql::PreparedStatement& totals = c.Prepare(
      "UPDATE contracts SET received_fen = received_fen + ?, prepaid_fen = prepaid_fen + ?"
      " WHERE id = ?");
  totals.setInt64(1, entry.applied_fen);
  totals.setInt64(2, entry.prepaid_fen);
  totals.setInt64(3, contract.id);
  totals.executeUpdate();
  return id;
}

// Where money in goes; FAILED_PRECONDITION past the outstanding amount
// unless it may be a prepayment.
absl::StatusOr<LedgerEntry> PlanReceipt(const ContractMoney& contract,
                                        const std::vector<InstalmentBalance>& plan,
                                        const Receipt& receipt, bool prepayment) {
  if (!Receivable(contract))
    return WrongContractStatus(contract, "money is received", "SIGNED or COMPLETED");
  if (plan.empty()) {
    return absl::FailedPreconditionError(absl::StrCat(
        "contract ", contract.number, " has no payment plan: set one (SetPaymentPlan) first"));
  }
  if (receipt.instalment_id() != 0) {
    bool ours = false;
    for (const InstalmentBalance& i : plan) ours = ours || i.id == receipt.instalment_id();
    if (!ours) {
      return InvalidField("receipt.instalment_id",
                          absl::StrCat("is not an instalment of contract ", contract.number));
    }
  }
  const int64_t amount = receipt.amount().minor_units();
  ReceiptSplit split = MatchReceipt(plan, amount, receipt.instalment_id());
  if (split.excess_fen > 0 && !prepayment) {
    return WithErrorInfo(
        absl::FailedPreconditionError(absl::StrCat(
            "a receipt of ", Yuan(amount), " would take contract ", contract.number,
            " past its amount: ", Yuan(contract.amount_fen - contract.received_fen),
            " is outstanding; record the rest as a prepayment (prepayment: true) if it is one")),
        "OVERPAYMENT",
        {{"outstanding_fen", absl::StrCat(contract.amount_fen - contract.received_fen)}},
        absl::StrCat("contract/", contract.id));
  }
  if (split.excess_fen > kMaxOrderTotalFen - contract.prepaid_fen) {
    return absl::FailedPreconditionError(absl::StrCat(
        "contract ", contract.number, " cannot hold more prepayment: ", Yuan(contract.prepaid_fen),
        " is prepaid already"));
  }
  LedgerEntry entry;
  entry.row = receipt;
  entry.row.set_kind(v1::RECEIPT_KIND_RECEIPT);
  entry.allocations = std::move(split.allocations);
  entry.applied_fen = split.applied_fen;
  entry.prepaid_fen = split.excess_fen;
  return entry;
}

// Where money out comes from: the prepayment first, then the latest
// instalments.
absl::StatusOr<LedgerEntry> PlanRefund(const ContractMoney& contract,
                                       const std::vector<InstalmentBalance>& plan,
                                       const Receipt& refund) {
  if (contract.status == v1::CONTRACT_STATUS_DRAFT) {
    return WrongContractStatus(contract, "money is refunded", "SIGNED, COMPLETED or TERMINATED");
  }
  const int64_t amount = refund.amount().minor_units();
  if (amount > contract.prepaid_fen + contract.received_fen) {
    return absl::FailedPreconditionError(absl::StrCat(
        "a refund of ", Yuan(amount), " is more than contract ", contract.number, " holds: ",
        Yuan(contract.received_fen), " received and ", Yuan(contract.prepaid_fen), " prepaid"));
  }
  LedgerEntry entry;
  entry.row = refund;
  entry.row.set_kind(v1::RECEIPT_KIND_REFUND);
  entry.prepaid_fen = -std::min(amount, contract.prepaid_fen);
  entry.applied_fen = -(amount + entry.prepaid_fen);
  entry.allocations = MatchRefund(plan, -entry.applied_fen);
  return entry;
}

// The exact reverse of `original`; FAILED_PRECONDITION when its money has
// since been refunded (or its plan replaced).
absl::StatusOr<LedgerEntry> PlanVoid(const ContractMoney& contract,
                                     const std::vector<InstalmentBalance>& plan,
                                     const Receipt& original, const std::string& reason,
                                     const std::string& today) {
  if (original.kind() != v1::RECEIPT_KIND_RECEIPT) {
    return absl::FailedPreconditionError(absl::StrCat("receipt ", original.id(), " is a ",
                                                      v1::ReceiptKind_Name(original.kind()),
                                                      " row: only receipts can be voided"));
  }
  auto refunded_since = [&]() {
    return absl::FailedPreconditionError(
        absl::StrCat("receipt ", original.id(),
                     "'s money has since been refunded or its plan replaced:"
                     " record a refund instead"));
  };
  if (contract.prepaid_fen < original.prepaid().minor_units()) return refunded_since();
  LedgerEntry entry;
  for (const v1::ReceiptAllocation& a : original.allocations()) {
    bool covered = false;
    for (const InstalmentBalance& i : plan) {
      covered =
          covered || (i.id == a.instalment_id() && i.received_fen >= a.amount().minor_units());
    }
    if (!covered) return refunded_since();
    entry.allocations.push_back({a.instalment_id(), -a.amount().minor_units()});
  }
  entry.row.set_kind(v1::RECEIPT_KIND_VOID);
  entry.row.set_received_date(today);
  entry.row.set_method(original.method());
  entry.row.set_payer(original.payer());
  entry.row.set_reference(original.reference());
  entry.row.set_remarks(reason);
  entry.row.set_voids_receipt_id(original.id());
  entry.applied_fen = -original.applied().minor_units();
  entry.prepaid_fen = -original.prepaid().minor_units();
  return entry;
}

}  // namespace

absl::StatusOr<v1::PaymentPlan> ReceivableRepository::SetPlan(
    const CallContext& call, int64_t contract_id, const std::vector<v1::Instalment>& instalments) {
  return db_.RunInTransaction(
      "payment_plan.set", call.deadline,
      [&](MySqlConnection& c) -> absl::StatusOr<v1::PaymentPlan> {
        CRM_ASSIGN_OR_RETURN(ContractMoney contract, LockContract(c, call, contract_id));
        if (contract.status != v1::CONTRACT_STATUS_SIGNED) {
          return WrongContractStatus(contract, "a payment plan is set", "SIGNED");
        }
        __int128 total = 0;  // 120 instalments of the largest amount pass int64
        for (const v1::Instalment& i : instalments) total += i.amount().minor_units();
        if (total != contract.amount_fen) {
          return InvalidField(
              "instalments",
              absl::StrCat("add up to ",
                           total > kMaxOrderTotalFen ? "more than the contract amount"
                                                     : Yuan(static_cast<int64_t>(total)),
                           "; they must add up to the contract amount, ",
                           Yuan(contract.amount_fen)));
        }
        if (contract.received_fen > 0) {
          return absl::FailedPreconditionError(absl::StrCat(
              "contract ", contract.number, " has ", Yuan(contract.received_fen),
              " matched to its plan: void or refund the receipts before replacing it"));
        }
        const v1::PaymentPlan before =
            PlanMessage(contract, LoadPlan(c, contract_id, true), Today(call));
        sql::PreparedStatement& clear =
            c.Prepare("DELETE FROM payment_instalments WHERE contract_id = ?");
        clear.setInt64(1, contract_id);
        clear.executeUpdate();
        int32_t sequence = 0;
        for (const v1::Instalment& i : instalments) {
          sql::PreparedStatement& insert = c.Prepare(
              "INSERT INTO payment_instalments (contract_id, sequence, due_date, amount_fen)"
              " VALUES (?, ?, ?, ?)");
          insert.setInt64(1, contract_id);
          insert.setInt(2, ++sequence);
          insert.setString(3, i.due_date());
          insert.setInt64(4, i.amount().minor_units());
          insert.executeUpdate();
        }
        v1::PaymentPlan plan = PlanMessage(contract, LoadPlan(c, contract_id, false), Today(call));
        AppendChange(c, call, ChangeOp::kUpdate, contract_id, plan, &before);
        return plan;
      });
}

absl::StatusOr<v1::PaymentPlan> ReceivableRepository::GetPlan(const CallContext& call,
                                                              int64_t contract_id) {
  return db_.Run("payment_plan.get", call.deadline,
                 [&](MySqlConnection& c) -> absl::StatusOr<v1::PaymentPlan> {
                   std::optional<ContractMoney> contract =
                       LoadContractMoney(c, ScopeOf(call.caller), contract_id, false);
                   if (!contract) return ContractNotFound(contract_id);
                   return PlanMessage(*contract, LoadPlan(c, contract_id, false), Today(call));
                 });
}

absl::StatusOr<Receipt> ReceivableRepository::RecordReceipt(const CallContext& call,
                                                            const Receipt& receipt, bool prepayment,
                                                            const std::string& request_id) {
  ContractMoney contract;
  std::vector<InstalmentBalance> plan;
  auto lock = [&](MySqlConnection& c) -> absl::Status {
    CRM_ASSIGN_OR_RETURN(contract, LockContract(c, call, receipt.contract_id()));
    plan = LoadPlan(c, contract.id, true);
    return absl::OkStatus();
  };
  return CreateOnceLocked(
      db_, call, ReceiptTable(call), request_id, lock,
      [&](MySqlConnection& c, const std::string& key) -> absl::StatusOr<int64_t> {
        CRM_ASSIGN_OR_RETURN(LedgerEntry entry, PlanReceipt(contract, plan, receipt, prepayment));
        return WriteLedgerEntry(c, call, contract, entry, key);
      });
}

absl::StatusOr<Receipt> ReceivableRepository::RecordRefund(const CallContext& call,
                                                           const Receipt& refund,
                                                           const std::string& request_id) {
  ContractMoney contract;
  std::vector<InstalmentBalance> plan;
  auto lock = [&](MySqlConnection& c) -> absl::Status {
    CRM_ASSIGN_OR_RETURN(contract, LockContract(c, call, refund.contract_id()));
    plan = LoadPlan(c, contract.id, true);
    return absl::OkStatus();
  };
  return CreateOnceLocked(
      db_, call, ReceiptTable(call), request_id, lock,
      [&](MySqlConnection& c, const std::string& key) -> absl::StatusOr<int64_t> {
        CRM_ASSIGN_OR_RETURN(LedgerEntry entry, PlanRefund(contract, plan, refund));
        return WriteLedgerEntry(c, call, contract, entry, key);
      });
}

absl::StatusOr<Receipt> ReceivableRepository::VoidReceipt(const CallContext& call,
                                                          int64_t receipt_id,
                                                          const std::string& reason) {
  return db_.RunInTransaction(
      "receipt.void", call.deadline, [&](MySqlConnection& c) -> absl::StatusOr<Receipt> {
        // Which contract to lock: receipts never change, so a plain read is
        // safe here; everything after the lock is read under it.
        std::unique_ptr<Receipt> original = LoadReceipt(c, WriteScopeOf(call.caller), receipt_id);
        if (!original) return ReceiptTable(call).NotFound(receipt_id);
        CRM_ASSIGN_OR_RETURN(ContractMoney contract,
                             LockContract(c, call, original->contract_id()));
        sql::PreparedStatement& voided =
            c.Prepare("SELECT id FROM receipts WHERE voids_receipt_id = ? FOR UPDATE");
        voided.setInt64(1, receipt_id);
        std::unique_ptr<sql::ResultSet> rs(voided.executeQuery());
        if (rs->next()) {
          std::unique_ptr<Receipt> existing = LoadReceipt(c, ScopeOf(call.caller), rs->getInt64(1));
          if (existing) return *existing;
        }
        CRM_RETURN_IF_ERROR(CheckApproved(c, v1::APPROVAL_DOCUMENT_RECEIPT_VOID, receipt_id,
                                          absl::StrCat("the void of receipt ", receipt_id),
                                          AmountFacts(original->amount().minor_units())));
        const std::vector<InstalmentBalance> plan = LoadPlan(c, contract.id, true);
        CRM_ASSIGN_OR_RETURN(LedgerEntry entry, PlanVoid(contract, plan, *original, reason,
                                                         FormatIsoDate(Today(call))));
        const int64_t id = WriteLedgerEntry(c, call, contract, entry, "");
        std::unique_ptr<Receipt> stored = LoadReceipt(c, ScopeOf(call.caller), id);
        if (!stored) return absl::InternalError("receipt vanished on void");
        AppendChange(c, call, ChangeOp::kCreate, id, *stored);
        return *stored;
      });
}

absl::StatusOr<Page<Receipt>> ReceivableRepository::ListReceipts(const CallContext& call,
                                                                 int64_t contract_id, int page_size,
                                                                 std::optional<int64_t> after_id) {
  return db_.Run(
      "receipt.list", call.deadline, [&](MySqlConnection& c) -> absl::StatusOr<Page<Receipt>> {
        if (!LoadContractMoney(c, ScopeOf(call.caller), contract_id, false)) {
          return ContractNotFound(contract_id);
        }
        SqlWhere where;
        where.And("r.contract_id = ?", {contract_id});
        KeysetQuery q(kReceiptSelect, "FROM receipts r JOIN contracts k ON k.id = r.contract_id",
                      where, " ORDER BY r.id", page_size);
        if (after_id) q.After("r.id > ?", {*after_id});
        Page<Receipt> page = ReadKeysetPage<Receipt>(c, q, ReadReceipt);
        LoadAllocations(c, page.rows);
        return page;
      });
}

std::unique_ptr<Receipt> LoadReceiptRow(MySqlConnection& c, const VisibilityScope& scope,
                                        int64_t id) {
  return LoadReceipt(c, scope, id);
}

}  // namespace crm::sales
