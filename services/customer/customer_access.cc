// Customer access conditions and loads.
#include "services/customer/customer_access.h"

#include <cppconn/prepared_statement.h>
#include <cppconn/resultset.h>

#include <algorithm>
#include <map>

#include "absl/strings/str_cat.h"
#include "common/db/mysql_pool.h"
#include "common/db/sql_where.h"
#include "common/db/visibility.h"
#include "services/customer/customer_row.h"

namespace crm::customer {
namespace {

constexpr char kSharedWithCaller[] =
    "EXISTS (SELECT 1 FROM customer_shares s WHERE s.customer_id = c.id AND s.employee_id = ?)";

}  // namespace

VisibilityScope CustomerReadScope(const Caller& caller) {
  if (caller.Has(Role::kService) || caller.Has(Role::kImplementer)) {
    VisibilityScope everything;
    everything.kind = VisibilityScope::Kind::kAll;
    return everything;
  }
  return ScopeOf(caller);
}

bool CallerHasShares(MySqlConnection& c, const Caller& caller) {
  if (caller.employee_id == 0) return false;
  sql::PreparedStatement& stmt =
      c.Prepare("SELECT 1 FROM customer_shares WHERE employee_id = ? LIMIT 1");
  stmt.setInt64(1, caller.employee_id);
  std::unique_ptr<sql::ResultSet> rs(stmt.executeQuery());
  return rs->next();
}

void RestrictCustomers(SqlWhere& where, const Caller& caller, Access access) {
  std::vector<SqlWhere::Value> values;
  std::string scope =
      ScopeCondition(access == Access::kWrite ? WriteScopeOf(caller) : CustomerReadScope(caller),
                     "c.owner_id", "c.owner_department_path", &values);
  if (scope.empty()) return;  // everything
  if (access == Access::kWrite) {
    where.And(std::move(scope), std::move(values));
    return;
  }
  std::string condition = absl::StrCat("(", scope, " OR c.owner_id = 0");
  if (caller.employee_id != 0) {
    absl::StrAppend(&condition, " OR ", kSharedWithCaller);
    values.push_back(caller.employee_id);
  }
  condition += ")";
  where.And(std::move(condition), std::move(values));
}

void RestrictToActiveView(MySqlConnection& c, SqlWhere& where, const Caller& caller) {
  RestrictToActiveView(where, caller, CallerHasShares(c, caller));
}

void RestrictToActiveView(SqlWhere& where, const Caller& caller, bool caller_has_shares) {
  std::vector<SqlWhere::Value> values;
  std::string scope =
      ScopeCondition(CustomerReadScope(caller), "c.owner_id", "c.owner_department_path", &values);
  if (scope.empty()) return;
  if (!caller_has_shares) {
    where.And(std::move(scope), std::move(values));
    return;
  }
  values.push_back(caller.employee_id);
  where.And(absl::StrCat("(", scope, " OR ", kSharedWithCaller, ")"), std::move(values));
}

std::unique_ptr<v1::Customer> LoadCustomer(MySqlConnection& c, const Caller& caller, int64_t id,
                                           Access access, bool for_update) {
  SqlWhere where;
  where.And("c.id = ?", {id}).And("c.deleted_at IS NULL");
  RestrictCustomers(where, caller, access);
  // FOR UPDATE OF would keep the city unlocked, but MariaDB lacks it; a
  // locked city row only delays a rename. A plain read takes the shares in
  // the same statement (one round trip for GetCustomer); a locking one reads
  // them apart, so that it locks no share rows.
  sql::PreparedStatement& stmt =
      c.Prepare(for_update ? absl::StrCat(kCustomerSelect, where.Sql(), " FOR UPDATE")
                           : absl::StrCat(kCustomerWithSharesSelect, where.Sql()));
  where.Bind(stmt);
  std::unique_ptr<sql::ResultSet> rs(stmt.executeQuery());
  if (!rs->next()) return nullptr;
  auto customer = std::make_unique<v1::Customer>(ReadCustomer(*rs));
  if (for_update) {
    FillShares(c, {customer.get()});
  } else {
    ReadShares(*rs, *customer);
  }
  return customer;
}

std::set<int64_t> VisibleAmong(MySqlConnection& c, const Caller& caller,
                               const std::vector<int64_t>& ids) {
  constexpr size_t kPerStatement = 500;
  std::set<int64_t> visible;
  for (size_t done = 0; done < ids.size(); done += kPerStatement) {
    const size_t count = std::min(ids.size() - done, kPerStatement);
    SqlWhere where;
    std::vector<SqlWhere::Value> values;
    for (size_t i = 0; i < PaddedInSize(count); ++i)
      values.push_back(ids[done + std::min(i, count - 1)]);
    where.And(absl::StrCat("c.id IN (", InPlaceholders(count), ")"), std::move(values));
    where.And("c.deleted_at IS NULL");
    RestrictCustomers(where, caller, Access::kRead);
    sql::PreparedStatement& stmt = c.Prepare("SELECT c.id FROM customers c" + where.Sql());
    where.Bind(stmt);
    std::unique_ptr<sql::ResultSet> rs(stmt.executeQuery());
    while (rs->next()) visible.insert(rs->getInt64(1));
  }
  return visible;
}

std::unique_ptr<v1::Customer> LoadCustomerRow(MySqlConnection& c, int64_t id, bool for_update) {
  sql::PreparedStatement& stmt =
      c.Prepare(absl::StrCat(kCustomerSelect, " WHERE c.id = ?", for_update ? " FOR UPDATE" : ""));
  stmt.setInt64(1, id);
  std::unique_ptr<sql::ResultSet> rs(stmt.executeQuery());
  if (!rs->next()) return nullptr;
  auto customer = std::make_unique<v1::Customer>(ReadCustomer(*rs));
  FillShares(c, {customer.get()});
  return customer;
}

void FillShares(MySqlConnection& c, const std::vector<v1::Customer*>& customers) {
  if (customers.empty()) return;
  std::map<int64_t, v1::Customer*> by_id;
  for (v1::Customer* customer : customers) {
    customer->clear_shared_with_employee_ids();
    by_id[customer->id()] = customer;
  }
  sql::PreparedStatement& stmt = c.Prepare(
      absl::StrCat("SELECT customer_id, employee_id FROM customer_shares WHERE customer_id IN (",
                   InPlaceholders(by_id.size()), ") ORDER BY customer_id, employee_id"));
  int index = 1;
  for (const auto& [id, customer] : by_id) stmt.setInt64(index++, id);
  for (size_t i = by_id.size(); i < PaddedInSize(by_id.size()); ++i) {
    stmt.setInt64(index++, by_id.rbegin()->first);
  }
  std::unique_ptr<sql::ResultSet> rs(stmt.executeQuery());
  while (rs->next()) by_id[rs->getInt64(1)]->add_shared_with_employee_ids(rs->getInt64(2));
}

absl::Status CustomerNotFound(int64_t id) {
  return absl::NotFoundError(absl::StrCat("customer ", id, " not found"));
}

}  // namespace crm::customer
