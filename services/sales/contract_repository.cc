// ContractRepository: prepared statements over contracts (and the order a
// contract is made from).
#include "services/sales/contract_repository.h"

#include <cppconn/prepared_statement.h>
#include <cppconn/resultset.h>

#include <memory>
#include <optional>
#include <string>

#include "absl/strings/str_cat.h"
#include "common/base/status_util.h"
#include "common/db/database.h"
#include "common/db/record_helpers.h"
#include "common/db/sql_time.h"
#include "common/db/sql_where.h"
#include "common/db/visibility.h"
#include "common/feed/owner_departments.h"
#include "common/feed/versioned_rows.h"
#include "crm/sales/v1/order.pb.h"
#include "services/sales/document_numbers.h"
#include "services/sales/money.h"

namespace crm::sales {
namespace {

using v1::Contract;

constexpr char kContractSelect[] =
    "SELECT k.id, k.number, k.customer_id, k.order_id, k.title, k.amount_fen, k.sign_date,"
    " k.start_date, k.end_date, k.status, k.remarks, k.end_reason, k.owner_id,"
    " k.owner_department_id, k.version, k.created_at, k.updated_at FROM contracts k";

std::string DateOrEmpty(sql::ResultSet& rs, int column) {
  return rs.isNull(column) ? "" : std::string(rs.getString(column));
}

Contract ReadContract(sql::ResultSet& rs) {
  Contract k;
  k.set_id(rs.getInt64(1));
  k.set_number(rs.getString(2));
  k.set_customer_id(rs.getInt64(3));
  if (!rs.isNull(4)) k.set_order_id(rs.getInt64(4));
  k.set_title(rs.getString(5));
  *k.mutable_amount() = Fen(rs.getInt64(6));
  k.set_sign_date(DateOrEmpty(rs, 7));
  k.set_start_date(DateOrEmpty(rs, 8));
  k.set_end_date(DateOrEmpty(rs, 9));
  k.set_status(static_cast<v1::ContractStatus>(rs.getInt(10)));
  k.set_remarks(rs.getString(11));
  k.set_end_reason(rs.getString(12));
  k.set_owner_employee_id(rs.getInt64(13));
  k.set_owner_department_id(rs.getInt64(14));
  k.set_etag(EtagOf(rs.getInt64(15)));
  SqlDateTimeToTimestamp(rs.getString(16), k.mutable_create_time());
  SqlDateTimeToTimestamp(rs.getString(17), k.mutable_update_time());
  return k;
}

std::unique_ptr<Contract> LoadContract(MySqlConnection& c, const VisibilityScope& scope, int64_t id,
                                       bool for_update) {
  SqlWhere where;
  where.And("k.id = ?", {id});
  RestrictToScope(where, scope, "k.owner_id", "k.owner_department_path");
  sql::PreparedStatement& stmt =
      c.Prepare(absl::StrCat(kContractSelect, where.Sql(), for_update ? " FOR UPDATE" : ""));
  where.Bind(stmt);
  std::unique_ptr<sql::ResultSet> rs(stmt.executeQuery());
  if (!rs->next()) return nullptr;
  return std::make_unique<Contract>(ReadContract(*rs));
}

RecordTable<Contract> ContractTable(const CallContext& call) {
  return {"contracts", "contract",
          [&call](MySqlConnection& c, int64_t id, bool for_update) {
            return LoadContract(c, for_update ? WriteScopeOf(call.caller) : ScopeOf(call.caller),
                                id, for_update);
          },
          [&call](MySqlConnection& c, int64_t id) {
            return LoadContract(c, ScopeOf(call.caller), id, false) != nullptr;
          }};
}

// Parameters 1–8 of the insert and the update, in the order both name them.
void BindEditableColumns(sql::PreparedStatement& stmt, const Contract& k) {
  stmt.setString(1, k.title());
  stmt.setInt64(2, k.amount().minor_units());
  SetStringOrNull(stmt, 3, k.sign_date());
  SetStringOrNull(stmt, 4, k.start_date());
  SetStringOrNull(stmt, 5, k.end_date());
  stmt.setInt(6, k.status());
  stmt.setString(7, k.remarks());
  stmt.setString(8, k.end_reason());
}

// The order a contract is made from, as locked by the contract's create.
struct OrderTerms {
  std::string number;
  v1::OrderStatus status = v1::ORDER_STATUS_UNSPECIFIED;
  int64_t customer_id = 0;
  int64_t total_fen = 0;
  std::string contract_number;  // its contract's, "" for none
};

// Locks order `order_id` if the caller may change it (else NOT_FOUND).
absl::StatusOr<OrderTerms> LockOrder(MySqlConnection& c, const CallContext& call,
                                     int64_t order_id) {
  SqlWhere where;
  where.And("o.id = ?", {order_id});
  RestrictToScope(where, WriteScopeOf(call.caller), "o.owner_id", "o.owner_department_path");
  sql::PreparedStatement& stmt = c.Prepare(
      absl::StrCat("SELECT o.number, o.status, o.customer_id, o.total_amount_fen,"
                   " (SELECT k.number FROM contracts k WHERE k.order_id = o.id) FROM orders o",
                   where.Sql(), " FOR UPDATE"));
  where.Bind(stmt);
  std::unique_ptr<sql::ResultSet> rs(stmt.executeQuery());
  if (!rs->next()) {
    return absl::NotFoundError(absl::StrCat("contract.order_id: order ", order_id, " not found"));
  }
  OrderTerms terms;
  terms.number = rs->getString(1);
  terms.status = static_cast<v1::OrderStatus>(rs->getInt(2));
  terms.customer_id = rs->getInt64(3);
  terms.total_fen = rs->getInt64(4);
  if (!rs->isNull(5)) terms.contract_number = rs->getString(5);
  return terms;
}

// Whether a new contract may be made of the order; its customer and total
// go onto `contract`.
absl::Status TakeOrderTerms(const OrderTerms& order, Contract& contract) {
  if (order.status != v1::CONFIRMED && order.status != v1::PARTIALLY_DELIVERED &&
      order.status != v1::COMPLETED) {
    return absl::FailedPreconditionError(absl::StrCat(
        "order ", order.number, " is ", v1::OrderStatus_Name(order.status),
        ": only CONFIRMED, PARTIALLY_DELIVERED or COMPLETED orders can have a contract"));
  }
  if (!order.contract_number.empty()) {
    return absl::AlreadyExistsError(
        absl::StrCat("order ", order.number, " already has contract ", order.contract_number));
  }
  contract.set_customer_id(order.customer_id);
  *contract.mutable_amount() = Fen(order.total_fen);
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<Contract> ContractRepository::Create(const CallContext& call,
                                                    const Contract& contract,
                                                    const std::string& request_id) {
  // The order is locked first (CreateOnceLocked): two contracts for one
  // order queue on it, and the second sees the first. Checked only for a
  // new contract, so a retry still finds its own.
  std::optional<OrderTerms> order;
  auto lock = [&](MySqlConnection& c) -> absl::Status {
    if (contract.order_id() == 0) return absl::OkStatus();
    CRM_ASSIGN_OR_RETURN(order, LockOrder(c, call, contract.order_id()));
    return absl::OkStatus();
  };
  return CreateOnceLocked(
      db_, call, ContractTable(call), request_id, lock,
      [&](MySqlConnection& c, const std::string& request_key) -> absl::StatusOr<int64_t> {
        Contract draft = contract;
        if (order) CRM_RETURN_IF_ERROR(TakeOrderTerms(*order, draft));
        draft.set_status(v1::CONTRACT_STATUS_DRAFT);
        const Owner owner = CurrentOwner(c, call.caller);
        const std::string now = FormatSqlDateTime(call.Now());
        sql::PreparedStatement& stmt = c.Prepare(
            "INSERT INTO contracts (title, amount_fen, sign_date, start_date, end_date, status,"
            " remarks, end_reason, customer_id, order_id, owner_id, owner_department_id,"
            " owner_department_path, create_request_id, created_at, updated_at)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
        BindEditableColumns(stmt, draft);
        stmt.setInt64(9, draft.customer_id());
        if (draft.order_id() != 0) {
          stmt.setInt64(10, draft.order_id());
        } else {
          stmt.setNull(10, sql::DataType::BIGINT);
        }
        stmt.setInt64(11, owner.employee_id);
        stmt.setInt64(12, owner.department_id);
        stmt.setString(13, owner.department_path);
        SetStringOrNull(stmt, 14, request_key);
        stmt.setDateTime(15, now);
        stmt.setDateTime(16, now);
        stmt.executeUpdate();
        const int64_t id = c.LastInsertId();
        // Last: the day's counter row is held only until the commit.
        NumberDocument(c, "contracts", id, "CT", absl::ToCivilDay(call.Now(), zone_));
        return id;
      });
}

absl::StatusOr<Contract> ContractRepository::Get(const CallContext& call, int64_t id) {
  return db_.Run("contract.get", call.deadline,
                 [&](MySqlConnection& c) -> absl::StatusOr<Contract> {
                   auto contract = LoadContract(c, ScopeOf(call.caller), id, false);
                   if (!contract) return ContractTable(call).NotFound(id);
                   return *contract;
                 });
}

absl::StatusOr<Contract> ContractRepository::Update(
    const CallContext& call, int64_t id, const std::string& etag,
    const std::function<absl::Status(MySqlConnection&, Contract&)>& change) {
  const auto& edit = change;
  auto write = [&](MySqlConnection& c, const Contract& contract) {
    sql::PreparedStatement& stmt = c.Prepare(
        "UPDATE contracts SET title = ?, amount_fen = ?, sign_date = ?, start_date = ?,"
        " end_date = ?, status = ?, remarks = ?, end_reason = ? WHERE id = ?");
    BindEditableColumns(stmt, contract);
    stmt.setInt64(9, id);
    stmt.executeUpdate();
  };
  return UpdateVersioned(db_, call, ContractTable(call), id, etag, edit, write);
}

absl::StatusOr<Page<Contract>> ContractRepository::List(const CallContext& call,
                                                        int64_t customer_id,
                                                        v1::ContractStatus status, int page_size,
                                                        std::optional<int64_t> before_id) {
  return db_.Run(
      "contract.list", call.deadline, [&](MySqlConnection& c) -> absl::StatusOr<Page<Contract>> {
        SqlWhere where;
        if (customer_id != 0) where.And("k.customer_id = ?", {customer_id});
        if (status != v1::CONTRACT_STATUS_UNSPECIFIED) {
          where.And("k.status = ?", {static_cast<int64_t>(status)});
        }
        RestrictToScope(where, ScopeOf(call.caller), "k.owner_id", "k.owner_department_path");
        KeysetQuery q(kContractSelect, "FROM contracts k", where, " ORDER BY k.id DESC", page_size);
        if (before_id) q.After("k.id < ?", {*before_id});
        return ReadKeysetPage<Contract>(c, q, ReadContract);
      });
}

std::unique_ptr<Contract> LoadContractRow(MySqlConnection& c, const VisibilityScope& scope,
                                          int64_t id, bool for_update) {
  return LoadContract(c, scope, id, for_update);
}

}  // namespace crm::sales
