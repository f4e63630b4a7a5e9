// ReceivableRepository's invoices (发票): never more than the contract amount
// in total, numbers unique per type.
#include <cppconn/prepared_statement.h>
#include <cppconn/resultset.h>

#include <memory>
#include <string>

#include "absl/strings/str_cat.h"
#include "common/base/status_util.h"
#include "common/db/database.h"
#include "common/db/record_helpers.h"
#include "common/db/sql_time.h"
#include "common/db/sql_where.h"
#include "common/feed/versioned_rows.h"
#include "services/sales/money.h"
#include "services/sales/receivable_repository.h"
#include "services/sales/receivable_rows.h"

namespace crm::sales {

using v1::Invoice;

namespace {

constexpr char kInvoiceSelect[] =
    "SELECT n.id, n.contract_id, n.number, n.type, n.amount_fen, n.tax_fen, n.invoice_date,"
    " n.remarks, n.recorded_by, n.created_at"
    " FROM invoices n JOIN contracts k ON k.id = n.contract_id";

Invoice ReadInvoice(sql::ResultSet& rs) {
  Invoice n;
  n.set_id(rs.getInt64(1));
  n.set_contract_id(rs.getInt64(2));
  n.set_number(rs.getString(3));
  n.set_type(static_cast<v1::InvoiceType>(rs.getInt(4)));
  *n.mutable_amount() = Fen(rs.getInt64(5));
  *n.mutable_tax() = Fen(rs.getInt64(6));
  n.set_invoice_date(rs.getString(7));
  n.set_remarks(rs.getString(8));
  n.set_recorded_by_employee_id(rs.getInt64(9));
  SqlDateTimeToTimestamp(rs.getString(10), n.mutable_create_time());
  return n;
}

std::unique_ptr<Invoice> LoadInvoice(MySqlConnection& c, const VisibilityScope& scope, int64_t id) {
  SqlWhere where;
  where.And("n.id = ?", {id});
  RestrictToScope(where, scope, "k.owner_id", "k.owner_department_path");
  sql::PreparedStatement& stmt = c.Prepare(kInvoiceSelect + where.Sql());
  where.Bind(stmt);
  std::unique_ptr<sql::ResultSet> rs(stmt.executeQuery());
  if (!rs->next()) return nullptr;
  return std::make_unique<Invoice>(ReadInvoice(*rs));
}

absl::Status CheckInvoiceFits(MySqlConnection& c, const ContractMoney& contract,
                              const Invoice& invoice) {
  if (!Receivable(contract))
    return WrongContractStatus(contract, "invoices are issued", "SIGNED or COMPLETED");
  const int64_t amount = invoice.amount().minor_units();
  if (contract.invoiced_fen + amount > contract.amount_fen) {
    return absl::FailedPreconditionError(
        absl::StrCat("an invoice of ", Yuan(amount), " would take contract ", contract.number,
                     "'s invoices past its amount: ", Yuan(contract.invoiced_fen), " of ",
                     Yuan(contract.amount_fen), " is invoiced"));
  }
  sql::PreparedStatement& taken =
      c.Prepare("SELECT id FROM invoices WHERE type = ? AND number = ? FOR UPDATE");
  taken.setInt(1, invoice.type());
  taken.setString(2, invoice.number());
  std::unique_ptr<sql::ResultSet> rs(taken.executeQuery());
  if (rs->next()) {
    return absl::AlreadyExistsError(
        absl::StrCat("invoice.number: ", v1::InvoiceType_Name(invoice.type()), " invoice ",
                     invoice.number(), " is already recorded"));
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<Invoice> ReceivableRepository::CreateInvoice(const CallContext& call,
                                                            const Invoice& invoice,
                                                            const std::string& request_id) {
  ContractMoney contract;
  auto lock = [&](MySqlConnection& c) -> absl::Status {
    CRM_ASSIGN_OR_RETURN(contract, LockContract(c, call, invoice.contract_id()));
    return absl::OkStatus();
  };
  RecordTable<Invoice> table{"invoices", "invoice",
                             [&call](MySqlConnection& c, int64_t id, bool) {
                               return LoadInvoice(c, ScopeOf(call.caller), id);
                             },
                             [&call](MySqlConnection& c, int64_t id) {
                               return LoadInvoice(c, ScopeOf(call.caller), id) != nullptr;
                             }};
  return CreateOnceLocked(
      db_, call, table, request_id, lock,
      [&](MySqlConnection& c, const std::string& key) -> absl::StatusOr<int64_t> {
        CRM_RETURN_IF_ERROR(CheckInvoiceFits(c, contract, invoice));
        const std::string now = FormatSqlDateTime(call.Now());
        sql::PreparedStatement& insert = c.Prepare(
            "INSERT INTO invoices (contract_id, number, type, amount_fen, tax_fen, invoice_date,"
            " remarks, recorded_by, create_request_id, created_at, updated_at)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
        insert.setInt64(1, contract.id);
        insert.setString(2, invoice.number());
        insert.setInt(3, invoice.type());
        insert.setInt64(4, invoice.amount().minor_units());
        insert.setInt64(5, invoice.tax().minor_units());
        insert.setString(6, invoice.invoice_date());
        insert.setString(7, invoice.remarks());
        insert.setInt64(8, call.caller.employee_id);
        SetStringOrNull(insert, 9, key);
        insert.setDateTime(10, now);
        insert.setDateTime(11, now);
        insert.executeUpdate();
        const int64_t id = c.LastInsertId();
        sql::PreparedStatement& totals =
            c.Prepare("UPDATE contracts SET invoiced_fen = invoiced_fen + ? WHERE id = ?");
        totals.setInt64(1, invoice.amount().minor_units());
        totals.setInt64(2, contract.id);
        totals.executeUpdate();
        return id;
      });
}

absl::StatusOr<Page<Invoice>> ReceivableRepository::ListInvoices(const CallContext& call,
                                                                 int64_t contract_id, int page_size,
                                                                 std::optional<int64_t> after_id) {
  return db_.Run(
      "invoice.list", call.deadline, [&](MySqlConnection& c) -> absl::StatusOr<Page<Invoice>> {
        if (!LoadContractMoney(c, ScopeOf(call.caller), contract_id, false)) {
          return ContractNotFound(contract_id);
        }
        SqlWhere where;
        where.And("n.contract_id = ?", {contract_id});
        KeysetQuery q(kInvoiceSelect, "FROM invoices n JOIN contracts k ON k.id = n.contract_id",
                      where, " ORDER BY n.id", page_size);
        if (after_id) q.After("n.id > ?", {*after_id});
        return ReadKeysetPage<Invoice>(c, q, ReadInvoice);
      });
}

}  // namespace crm::sales
