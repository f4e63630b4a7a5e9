// PoolRepository: the SQL of moves between owners, the pool and the recycle bin.
#include "services/customer/pool_repository.h"

#include <cppconn/prepared_statement.h>
#include <cppconn/resultset.h>

#include <algorithm>
#include <memory>

#include "absl/strings/str_cat.h"
#include "common/base/status_util.h"
#include "common/db/database.h"
#include "common/db/record_helpers.h"
#include "common/db/sql_time.h"
#include "common/db/sql_where.h"
#include "common/feed/change_log.h"
#include "services/customer/customer_repository.h"
#include "services/customer/customer_row.h"
#include "services/customer/pool_rules.h"

namespace crm::customer {
namespace {

using v1::Customer;

constexpr int kMaxShares = 50;

// Re-reads the customer after a move and records the change.
absl::StatusOr<Customer> Record(MySqlConnection& c, const CallContext& call, int64_t id,
                                ChangeOp op = ChangeOp::kUpdate) {
  std::unique_ptr<Customer> stored = LoadCustomerRow(c, id, false);
  AppendChange(c, call, op, id, *stored);
  return *stored;
}

absl::Status NeedsEmployee(const Caller& caller) {
  if (caller.employee_id != 0) return absl::OkStatus();
  return absl::FailedPreconditionError("only employees can own customers");
}

}  // namespace

void SetCustomerOwner(MySqlConnection& c, int64_t id, const Owner& owner, absl::Time now) {
  sql::PreparedStatement& stmt = c.Prepare(
      "UPDATE customers SET owner_id = ?, owner_department_id = ?, owner_department_path = ?,"
      " version = version + 1, updated_at = ?, last_activity_at = ?, owned_since = ?"
      " WHERE id = ?");
  stmt.setInt64(1, owner.employee_id);
  stmt.setInt64(2, owner.department_id);
  stmt.setString(3, owner.department_path);
  stmt.setDateTime(4, FormatSqlDateTime(now));
  stmt.setDateTime(5, FormatSqlDateTime(now));
  // The recycle's days start again with each owner (pool rows: unused).
  stmt.setDateTime(6, FormatSqlDateTime(now));
  stmt.setInt64(7, id);
  stmt.executeUpdate();
}

void EndCustomerShares(MySqlConnection& c, int64_t id) {
  sql::PreparedStatement& stmt = c.Prepare("DELETE FROM customer_shares WHERE customer_id = ?");
  stmt.setInt64(1, id);
  stmt.executeUpdate();
}

absl::StatusOr<Customer> PoolRepository::Claim(const CallContext& call, int64_t id) {
  CRM_RETURN_IF_ERROR(NeedsEmployee(call.caller));
  return db_.RunInTransaction(
      "customer.claim", call.deadline, [&](MySqlConnection& c) -> absl::StatusOr<Customer> {
        // The pool's rules first (its level read unlocked: a claim that then
        // loses the race below changes nothing anyway).
        if (auto row = LoadCustomerRow(c, id, false); row && row->in_pool()) {
          CRM_RETURN_IF_ERROR(CheckReclaimCooldown(c, id, row->level_code(),
                                                   call.caller.employee_id, call.Now(), zone_));
          CRM_RETURN_IF_ERROR(
              CheckHoldingLimit(c, row->level_code(), call.caller.employee_id, "you"));
        }
        const Owner owner = CurrentOwner(c, call.caller);
        sql::PreparedStatement& stmt = c.Prepare(
            "UPDATE customers SET owner_id = ?, owner_department_id = ?,"
            " owner_department_path = ?, version = version + 1, updated_at = ?,"
            " last_activity_at = ?, owned_since = ? WHERE id = ? AND owner_id = 0"
            " AND deleted_at IS NULL");
        const std::string now = FormatSqlDateTime(call.Now());
        stmt.setInt64(1, owner.employee_id);
        stmt.setInt64(2, owner.department_id);
        stmt.setString(3, owner.department_path);
        stmt.setDateTime(4, now);
        stmt.setDateTime(5, now);
        stmt.setDateTime(6, now);
        stmt.setInt64(7, id);
        if (stmt.executeUpdate() == 0) {
          // Lost a race, or never in the pool. A live customer just claimed
          // by someone else is no secret to whoever saw it in the pool.
          auto row = LoadCustomerRow(c, id, false);
          if (row && !row->in_recycle_bin()) {
            return absl::FailedPreconditionError(
                absl::StrCat("customer ", id, " is not in the pool (someone owns it)"));
          }
          return CustomerNotFound(id);
        }
        return Record(c, call, id);
      });
}

absl::StatusOr<Customer> PoolRepository::Release(const CallContext& call, int64_t id,
                                                 const std::string& etag) {
  return db_.RunInTransaction(
      "customer.release", call.deadline, [&](MySqlConnection& c) -> absl::StatusOr<Customer> {
        auto customer = LoadCustomer(c, call.caller, id, Access::kWrite, true);
        if (!customer || customer->in_pool()) return CustomerNotFound(id);
        CRM_RETURN_IF_ERROR(CheckEtag(etag, VersionOfEtag(customer->etag()), "customer"));
        RecordDeparture(c, id, customer->owner_id(), call.Now());
        SetCustomerOwner(c, id, Owner{}, call.Now());
        EndCustomerShares(c, id);
        return Record(c, call, id);
      });
}

absl::StatusOr<Customer> PoolRepository::Give(const CallContext& call, int64_t id,
                                              const std::string& etag, const Owner& owner,
                                              bool from_pool) {
  return db_.RunInTransaction(
      "customer.give", call.deadline, [&](MySqlConnection& c) -> absl::StatusOr<Customer> {
        // Pool customers are read-visible to all; the caller's permission
        // (customer.assign) is what lets them hand one out.
        auto customer =
            LoadCustomer(c, call.caller, id, from_pool ? Access::kRead : Access::kWrite, true);
        if (!customer) return CustomerNotFound(id);
        CRM_RETURN_IF_ERROR(CheckEtag(etag, VersionOfEtag(customer->etag()), "customer"));
        if (from_pool && !customer->in_pool()) {
          return absl::FailedPreconditionError(absl::StrCat(
              "customer ", id, " is not in the pool; use TransferCustomer to move it"));
        }
        if (!from_pool && customer->in_pool()) {
          return absl::FailedPreconditionError(
              absl::StrCat("customer ", id, " is in the pool; use AssignCustomer to give it out"));
        }
        if (customer->owner_id() == owner.employee_id) return *customer;  // nothing to move
        CRM_RETURN_IF_ERROR(CheckHoldingLimit(c, customer->level_code(), owner.employee_id,
                                              absl::StrCat("employee ", owner.employee_id)));
        RecordDeparture(c, id, customer->owner_id(), call.Now());
        SetCustomerOwner(c, id, owner, call.Now());
        // Shares were the old owner's choice; the new owner starts afresh.
        EndCustomerShares(c, id);
        return Record(c, call, id);
      });
}

absl::StatusOr<Customer> PoolRepository::Share(const CallContext& call, int64_t id,
                                               const std::vector<int64_t>& employee_ids) {
  return db_.RunInTransaction(
      "customer.share", call.deadline, [&](MySqlConnection& c) -> absl::StatusOr<Customer> {
        auto customer = LoadCustomer(c, call.caller, id, Access::kWrite, true);
        if (!customer || customer->in_pool()) return CustomerNotFound(id);
        std::vector<int64_t> added;
        for (int64_t employee : employee_ids) {
          const auto& shared = customer->shared_with_employee_ids();
          if (employee == customer->owner_id() ||
              std::find(shared.begin(), shared.end(), employee) != shared.end() ||
              std::find(added.begin(), added.end(), employee) != added.end()) {
            continue;
          }
          added.push_back(employee);
        }
        if (added.empty()) return *customer;
        if (customer->shared_with_employee_ids_size() + static_cast<int>(added.size()) >
            kMaxShares) {
          return absl::FailedPreconditionError(
              absl::StrCat("a customer can be shared with at most ", kMaxShares, " colleagues"));
        }
        sql::PreparedStatement& insert = c.Prepare(
            "INSERT INTO customer_shares (customer_id, employee_id, created_at) VALUES (?, ?, ?)");
        const std::string now = FormatSqlDateTime(call.Now());
        for (int64_t employee : added) {
          insert.setInt64(1, id);
          insert.setInt64(2, employee);
          insert.setDateTime(3, now);
          insert.executeUpdate();
        }
        TouchVersion(c, "customers", id, call.Now());
        return Record(c, call, id);
      });
}

absl::StatusOr<Customer> PoolRepository::Unshare(const CallContext& call, int64_t id,
                                                 const std::vector<int64_t>& employee_ids) {
  return db_.RunInTransaction(
      "customer.unshare", call.deadline, [&](MySqlConnection& c) -> absl::StatusOr<Customer> {
        auto customer = LoadCustomer(c, call.caller, id, Access::kWrite, true);
        if (!customer) return CustomerNotFound(id);
        sql::PreparedStatement& remove =
            c.Prepare("DELETE FROM customer_shares WHERE customer_id = ? AND employee_id = ?");
        int removed = 0;
        for (int64_t employee : employee_ids) {
          remove.setInt64(1, id);
          remove.setInt64(2, employee);
          removed += remove.executeUpdate();
        }
        if (removed == 0) return *customer;
        TouchVersion(c, "customers", id, call.Now());
        return Record(c, call, id);
      });
}

absl::StatusOr<Customer> PoolRepository::Restore(const CallContext& call, int64_t id) {
  return db_.RunInTransaction(
      "customer.restore", call.deadline, [&](MySqlConnection& c) -> absl::StatusOr<Customer> {
        auto customer = LoadCustomerRow(c, id, true);
        if (!customer || !customer->in_recycle_bin()) {
          return absl::NotFoundError(absl::StrCat("customer ", id, " is not in the recycle bin"));
        }
        int64_t city_id = 0;
        {
          sql::PreparedStatement& city = c.Prepare("SELECT city_id FROM customers WHERE id = ?");
          city.setInt64(1, id);
          std::unique_ptr<sql::ResultSet> rs(city.executeQuery());
          if (rs->next() && !rs->isNull(1)) city_id = rs->getInt64(1);
        }
        if (auto duplicate = FindDuplicate(c, customer->tax_id(), customer->credit_code(),
                                           customer->name(), city_id, id)) {
          return absl::AlreadyExistsError(absl::StrCat("cannot restore: customer ", duplicate->code,
                                                       " has the ", duplicate->reason));
        }
        sql::PreparedStatement& stmt = c.Prepare(
            "UPDATE customers SET deleted_at = NULL, version = version + 1, updated_at = ?"
            " WHERE id = ?");
        stmt.setDateTime(1, FormatSqlDateTime(call.Now()));
        stmt.setInt64(2, id);
        stmt.executeUpdate();
        return Record(c, call, id);
      });
}

absl::Status PoolRepository::Purge(const CallContext& call, int64_t id) {
  return db_.RunInTransaction("customer.purge", call.deadline, [&](MySqlConnection& c) {
    auto customer = LoadCustomerRow(c, id, true);
    if (!customer || !customer->in_recycle_bin()) {
      return absl::NotFoundError(absl::StrCat("customer ", id, " is not in the recycle bin"));
    }
    for (const char* statement : {"DELETE FROM customer_events WHERE customer_id = ?",
                                  "DELETE FROM contacts WHERE customer_id = ?",
                                  "DELETE FROM customer_shares WHERE customer_id = ?",
                                  "DELETE FROM customers WHERE id = ?"}) {
      sql::PreparedStatement& stmt = c.Prepare(statement);
      stmt.setInt64(1, id);
      stmt.executeUpdate();
    }
    AppendChange(c, call, ChangeOp::kDelete, id, *customer);
    return absl::OkStatus();
  });
}

}  // namespace crm::customer
