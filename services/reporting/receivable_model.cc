// ApplyReceivableChange: each record as the change carries it; received
// totals are recomputed from the ledger rows held here, so a change applied
// in any state (a replay, a plan replaced) leaves the same sums.
#include "services/reporting/receivable_model.h"

#include <cppconn/prepared_statement.h>

#include <string>

#include "common/db/multi_row.h"
#include "common/db/mysql_pool.h"
#include "crm/common/v1/changes.pb.h"
#include "crm/sales/v1/campaign.pb.h"
#include "crm/sales/v1/contract.pb.h"
#include "crm/sales/v1/receivable.pb.h"
#include "services/reporting/read_model_owner.h"

namespace crm::reporting {
namespace {

namespace sv1 = sales::v1;

// Each instalment of the contract holds what the allocations naming it add
// up to; the contract what its receipts applied and kept as prepayment.
void RecomputeReceived(MySqlConnection& c, int64_t contract_id) {
  sql::PreparedStatement& instalments = c.Prepare(
      "UPDATE instalments i SET received_fen = (SELECT COALESCE(SUM(a.amount_fen), 0)"
      " FROM receipt_allocations a WHERE a.instalment_id = i.id) WHERE i.contract_id = ?");
  instalments.setInt64(1, contract_id);
  instalments.executeUpdate();
  sql::PreparedStatement& contract = c.Prepare(
      "UPDATE contracts k SET"
      " received_fen = (SELECT COALESCE(SUM(r.applied_fen), 0) FROM receipts r"
      " WHERE r.contract_id = k.id),"
      " prepaid_fen = (SELECT COALESCE(SUM(r.prepaid_fen), 0) FROM receipts r"
      " WHERE r.contract_id = k.id) WHERE k.id = ?");
  contract.setInt64(1, contract_id);
  contract.executeUpdate();
}

void ApplyContract(MySqlConnection& c, const sv1::Contract& k, bool deleted) {
  if (deleted) {
    for (const char* table : {"contracts WHERE id", "instalments WHERE contract_id"}) {
      sql::PreparedStatement& stmt = c.Prepare(std::string("DELETE FROM ") + table + " = ?");
      stmt.setInt64(1, k.id());
      stmt.executeUpdate();
    }
    return;
  }
  const Owner owner = OwnerOf(c, k.owner_employee_id());
  sql::PreparedStatement& stmt = c.Prepare(
      "INSERT INTO contracts (id, number, customer_id, order_id, status, amount_fen, owner_id,"
      " owner_department_id, owner_department_path) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"
      " ON DUPLICATE KEY UPDATE number = VALUES(number), customer_id = VALUES(customer_id),"
      " order_id = VALUES(order_id), status = VALUES(status), amount_fen = VALUES(amount_fen),"
      " owner_id = VALUES(owner_id), owner_department_id = VALUES(owner_department_id),"
      " owner_department_path = VALUES(owner_department_path)");
  int i = 1;
  stmt.setInt64(i++, k.id());
  stmt.setString(i++, k.number());
  stmt.setInt64(i++, k.customer_id());
  stmt.setInt64(i++, k.order_id());
  stmt.setInt(i++, k.status());
  stmt.setInt64(i++, k.amount().minor_units());
  stmt.setInt64(i++, owner.employee_id);
  stmt.setInt64(i++, owner.department_id);
  stmt.setString(i++, owner.department_path);
  // Its received totals stay: they move with the receipts (none can come
  // before the contract in the feed).
  stmt.executeUpdate();
}

// A plan change carries the whole plan: it replaces the instalments.
void ApplyPlan(MySqlConnection& c, const sv1::PaymentPlan& plan) {
  sql::PreparedStatement& clear = c.Prepare("DELETE FROM instalments WHERE contract_id = ?");
  clear.setInt64(1, plan.contract_id());
  clear.executeUpdate();
  InsertRows(c, "INSERT INTO instalments (id, contract_id, sequence, due_date, amount_fen) VALUES ",
             "(?, ?, ?, ?, ?)", " ON DUPLICATE KEY UPDATE contract_id = VALUES(contract_id)",
             plan.instalments_size(), [&](sql::PreparedStatement& s, int i, size_t row, bool) {
               const sv1::Instalment& instalment = plan.instalments(static_cast<int>(row));
               s.setInt64(i++, instalment.id());
               s.setInt64(i++, plan.contract_id());
               s.setInt(i++, instalment.sequence());
               s.setString(i++, instalment.due_date());
               s.setInt64(i++, instalment.amount().minor_units());
               return i;
             });
  RecomputeReceived(c, plan.contract_id());
}

// Ledger rows are never edited, so a row already held is left as it is.
void ApplyReceipt(MySqlConnection& c, const sv1::Receipt& r) {
  sql::PreparedStatement& stmt = c.Prepare(
      "INSERT IGNORE INTO receipts (id, contract_id, kind, amount_fen, applied_fen, prepaid_fen,"
      " received_date) VALUES (?, ?, ?, ?, ?, ?, ?)");
  stmt.setInt64(1, r.id());
  stmt.setInt64(2, r.contract_id());
  stmt.setInt(3, r.kind());
  stmt.setInt64(4, r.amount().minor_units());
  stmt.setInt64(5, r.applied().minor_units());
  stmt.setInt64(6, r.prepaid().minor_units());
  stmt.setString(7, r.received_date());
  stmt.executeUpdate();
  InsertRows(
      c, "INSERT IGNORE INTO receipt_allocations (receipt_id, instalment_id, amount_fen) VALUES ",
      "(?, ?, ?)", "", r.allocations_size(),
      [&](sql::PreparedStatement& s, int i, size_t row, bool) {
        const sv1::ReceiptAllocation& a = r.allocations(static_cast<int>(row));
        s.setInt64(i++, r.id());
        s.setInt64(i++, a.instalment_id());
        s.setInt64(i++, a.amount().minor_units());
        return i;
      });
  RecomputeReceived(c, r.contract_id());
}

void ApplyCampaign(MySqlConnection& c, const sv1::Campaign& campaign, bool deleted) {
  if (deleted) {
    sql::PreparedStatement& stmt = c.Prepare("DELETE FROM campaigns WHERE id = ?");
    stmt.setInt64(1, campaign.id());
    stmt.executeUpdate();
    return;
  }
  const Owner owner = OwnerOf(c, campaign.owner_employee_id());
  sql::PreparedStatement& stmt = c.Prepare(
      "INSERT INTO campaigns (id, name, start_date, end_date, cost_fen, owner_id,"
      " owner_department_id, owner_department_path) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
      " ON DUPLICATE KEY UPDATE name = VALUES(name), start_date = VALUES(start_date),"
      " end_date = VALUES(end_date), cost_fen = VALUES(cost_fen), owner_id = VALUES(owner_id),"
      " owner_department_id = VALUES(owner_department_id),"
      " owner_department_path = VALUES(owner_department_path)");
  int i = 1;
  stmt.setInt64(i++, campaign.id());
  stmt.setString(i++, campaign.name());
  stmt.setString(i++, campaign.start_date());
  stmt.setString(i++, campaign.end_date());
  stmt.setInt64(i++, campaign.cost().minor_units());
  stmt.setInt64(i++, owner.employee_id);
  stmt.setInt64(i++, owner.department_id);
  stmt.setString(i++, owner.department_path);
  stmt.executeUpdate();
}

}  // namespace

bool ApplyReceivableChange(MySqlConnection& c, const common::v1::Change& change) {
  const bool deleted = change.operation() == common::v1::CHANGE_OPERATION_DELETE;
  if (sv1::Contract contract; change.state().UnpackTo(&contract)) {
    ApplyContract(c, contract, deleted);
  } else if (sv1::PaymentPlan plan; change.state().UnpackTo(&plan)) {
    ApplyPlan(c, plan);
  } else if (sv1::Receipt receipt; change.state().UnpackTo(&receipt)) {
    ApplyReceipt(c, receipt);
  } else if (sv1::Campaign campaign; change.state().UnpackTo(&campaign)) {
    ApplyCampaign(c, campaign, deleted);
  } else {
    return false;
  }
  return true;
}

}  // namespace crm::reporting
