// CustomerRepository: prepared statements over crm_customer.customers.
#include "services/customer/customer_repository.h"

#include <cppconn/prepared_statement.h>
#include <cppconn/resultset.h>

#include <memory>

#include "absl/strings/str_cat.h"
#include "common/base/status_util.h"
#include "common/db/database.h"
#include "common/db/keyset_page.h"
#include "common/db/record_helpers.h"
#include "common/db/sql_time.h"
#include "common/db/sql_where.h"
#include "common/feed/change_log.h"
#include "common/feed/versioned_rows.h"
#include "services/customer/customer_access.h"
#include "services/customer/customer_code.h"
#include "services/customer/customer_row.h"
#include "services/customer/duplicate_keys.h"
#include "services/customer/reference_data.h"

namespace crm::customer {
namespace {

using v1::Customer;
using v1::ListCustomersRequest;

// Customers as the versioned-row helpers see them: a change is made only to a
// customer the caller may write (others are NOT_FOUND).
RecordTable<Customer> CustomerTable(const CallContext& call) {
  return {"customers", "customer",
          [&call](MySqlConnection& c, int64_t id, bool for_update) {
            return for_update ? LoadCustomer(c, call.caller, id, Access::kWrite, true)
                              : LoadCustomerRow(c, id, false);
          },
          [&call](MySqlConnection& c, int64_t id) {
            return VisibleAmong(c, call.caller, {id}).count(id) > 0;
          }};
}

// Names the customer it clashes with only when the caller may see it: of one
// out of sight, only that it exists.
absl::Status DuplicateError(MySqlConnection& c, const Caller& caller, const Duplicate& duplicate) {
  if (VisibleAmong(c, caller, {duplicate.id}).count(duplicate.id) == 0) {
    return absl::AlreadyExistsError(absl::StrCat("a customer with the ", duplicate.reason,
                                                 " already exists (not one you can see)"));
  }
  return absl::AlreadyExistsError(absl::StrCat("a customer with the ", duplicate.reason,
                                               " already exists (", duplicate.code, ")"));
}

// Checks references and duplicates of a customer about to be written and
// returns its city id (0: none). The province defaults to the city's, and
// follows a change of city unless it was set to something else.
absl::StatusOr<int64_t> CheckForWrite(MySqlConnection& c, const Caller& caller, Customer& customer,
                                      const Customer* before) {
  const ReferenceData reference = ReferenceData::Load(c);
  CRM_RETURN_IF_ERROR(reference.CheckCustomer(customer, before, "customer"));
  const v1::City* city = customer.city().empty()
                             ? nullptr
                             : reference.FindCity(customer.region_code(), customer.city());
  const int64_t city_id = city == nullptr ? 0 : city->id();
  if (city != nullptr) {
    const v1::City* old_city =
        before == nullptr ? nullptr : reference.FindCity(before->region_code(), before->city());
    const bool province_followed_city =
        old_city != nullptr && old_city != city && customer.province() == old_city->province();
    if (customer.province().empty() || province_followed_city) {
      customer.set_province(city->province());
    }
  }
  const bool identity_changed =
      before == nullptr || before->tax_id() != customer.tax_id() ||
      before->credit_code() != customer.credit_code() || before->name() != customer.name() ||
      before->city() != customer.city() || before->region_code() != customer.region_code();
  if (identity_changed) {
    if (std::optional<Duplicate> duplicate =
            FindDuplicate(c, customer.tax_id(), customer.credit_code(), customer.name(), city_id,
                          before == nullptr ? 0 : before->id())) {
      return DuplicateError(c, caller, *duplicate);
    }
  }
  return city_id;
}

std::string AreaCodeOf(MySqlConnection& c, int64_t city_id) {
  if (city_id == 0) return "";
  sql::PreparedStatement& stmt = c.Prepare("SELECT area_code FROM cities WHERE id = ?");
  stmt.setInt64(1, city_id);
  std::unique_ptr<sql::ResultSet> rs(stmt.executeQuery());
  return rs->next() ? std::string(rs->getString(1)) : "";
}

// The filters of a list request and the caller's view of it.
SqlWhere ListWhere(MySqlConnection& c, const CallContext& call, const ListCustomersRequest& q) {
  SqlWhere where;
  switch (q.view()) {
    case ListCustomersRequest::VIEW_POOL:
      where.And("c.deleted_at IS NULL").And("c.owner_id = 0");
      break;
    case ListCustomersRequest::VIEW_RECYCLE_BIN:
      where.And("c.deleted_at IS NOT NULL");
      RestrictCustomers(where, call.caller, Access::kWrite);
      break;
    default:
      where.And("c.deleted_at IS NULL");
      RestrictToActiveView(c, where, call.caller);
  }
  // Indexed columns get a condition only when filtered on (the plan can use
  // the index); the others always have theirs, empty meaning "any", so their
  // combinations share one SQL text (few prepared statements per list).
  auto equals = [&](const char* column, const std::string& value) {
    if (!value.empty()) where.And(absl::StrCat(column, " = ?"), {value});
  };
  auto equals_number = [&](const char* column, int64_t value) {
    if (value != 0) where.And(absl::StrCat(column, " = ?"), {value});
  };
  auto unindexed_equals = [&](const char* column, const std::string& value) {
    where.And(absl::StrCat("(? = '' OR ", column, " = ?)"), {value, value});
  };
  auto unindexed_equals_number = [&](const char* column, int64_t value) {
    where.And(absl::StrCat("(? = 0 OR ", column, " = ?)"), {value, value});
  };
  equals_number("c.status", q.status());
  equals("c.region_code", q.region_code());
  equals("ci.name", q.city());
  unindexed_equals_number("c.grade", q.grade());
  unindexed_equals("c.type_code", q.type_code());
  unindexed_equals("c.industry_code", q.industry_code());
  unindexed_equals("c.level_code", q.level_code());
  unindexed_equals("c.stage_code", q.stage_code());
  unindexed_equals("c.source_code", q.source_code());
  equals_number("c.owner_id", q.owner_id());
  unindexed_equals_number("c.importance", q.importance());
  equals("c.code", q.code());
  equals("c.name", q.name());
  // Live customers' tax IDs are indexed (and unique) apart.
  equals(q.view() == ListCustomersRequest::VIEW_RECYCLE_BIN ? "c.tax_id" : "c.live_tax_id",
         q.tax_id());
  if (!q.joined_from().empty()) where.And("c.joined_date >= ?", {q.joined_from()});
  if (!q.joined_to().empty()) where.And("c.joined_date <= ?", {q.joined_to()});
  return where;
}

}  // namespace

const char* OrderColumn(ListCustomersRequest::Order order) {
  switch (order) {
    case ListCustomersRequest::ORDER_BY_NAME:
      return "c.name";
    case ListCustomersRequest::ORDER_BY_CODE:
      return "c.code";
    case ListCustomersRequest::ORDER_BY_JOINED_DATE:
      return "c.joined_date";
    case ListCustomersRequest::ORDER_BY_LAST_ACTIVITY:
      return "c.last_activity_at";
    default:
      return "";
  }
}

std::string OrderValue(const Customer& customer, ListCustomersRequest::Order order) {
  switch (order) {
    case ListCustomersRequest::ORDER_BY_NAME:
      return customer.name();
    case ListCustomersRequest::ORDER_BY_CODE:
      return customer.code();
    case ListCustomersRequest::ORDER_BY_JOINED_DATE:
      return customer.joined_date();
    case ListCustomersRequest::ORDER_BY_LAST_ACTIVITY:
      return FormatSqlDateTime(FromTimestamp(customer.last_activity_time()));
    default:
      return "";
  }
}

std::string NameCityKey(const std::string& name, int64_t city_id) {
  return absl::StrCat(NameKey(name), "|", city_id);
}

std::optional<Duplicate> FindDuplicate(MySqlConnection& c, const std::string& tax_id,
                                       const std::string& credit_code, const std::string& name,
                                       int64_t city_id, int64_t exclude_id) {
  // column = value among live customers other than exclude_id.
  auto find = [&](const char* sql, const std::string& value,
                  const char* reason) -> std::optional<Duplicate> {
    sql::PreparedStatement& stmt = c.Prepare(sql);
    stmt.setString(1, value);
    stmt.setInt64(2, exclude_id);
    std::unique_ptr<sql::ResultSet> rs(stmt.executeQuery());
    if (!rs->next()) return std::nullopt;
    return Duplicate{rs->getInt64(1), rs->getString(2), reason};
  };
  std::optional<Duplicate> found;
  if (!credit_code.empty()) {
    found = find("SELECT id, code FROM customers WHERE live_credit_code = ? AND id <> ?",
                 credit_code, "same unified social credit code");
  }
  if (!found && !tax_id.empty()) {
    found = find("SELECT id, code FROM customers WHERE live_tax_id = ? AND id <> ?", tax_id,
                 "same tax ID");
  }
  if (!found) {
    found = find("SELECT id, code FROM customers WHERE live_name_city = ? AND id <> ?",
                 NameCityKey(name, city_id), "same name in the same city");
  }
  return found;
}

absl::StatusOr<Customer> CustomerRepository::Create(const CallContext& call,
                                                    const Customer& customer,
                                                    const std::string& request_id, bool to_pool) {
  auto insert = [&](MySqlConnection& c, const std::string& request_key) -> absl::StatusOr<int64_t> {
    Customer created = customer;
    CRM_ASSIGN_OR_RETURN(const int64_t city_id, CheckForWrite(c, call.caller, created, nullptr));
    const std::string prefix = CodePrefix(created.importance(), AreaCodeOf(c, city_id));
    created.set_code(FormatCustomerCode(prefix, ReserveCodeSequence(c, prefix, 1)));
    const Owner owner = to_pool ? Owner{} : CurrentOwner(c, call.caller);
    RowExtras extras{city_id,
                     owner.employee_id,
                     owner.department_id,
                     owner.department_path,
                     request_key,
                     FormatSqlDateTime(call.Now())};
    sql::PreparedStatement& stmt =
        c.Prepare(absl::StrCat(kCustomerInsertHead, kCustomerInsertGroup));
    BindCustomerInsert(stmt, 1, created, extras);
    stmt.executeUpdate();
    return c.LastInsertId();
  };
  return CreateOnce(db_, call, CustomerTable(call), request_id, insert);
}

absl::StatusOr<Customer> CustomerRepository::Get(const CallContext& call, int64_t id) {
  return db_.Run("customer.get", call.deadline,
                 [&](MySqlConnection& c) -> absl::StatusOr<Customer> {
                   auto customer = LoadCustomer(c, call.caller, id, Access::kRead, false);
                   if (!customer) return CustomerNotFound(id);
                   return *customer;
                 });
}

absl::StatusOr<Customer> CustomerRepository::Lookup(const CallContext& call,
                                                    const std::string& code,
                                                    const std::string& tax_id) {
  return db_.Run(
      "customer.lookup", call.deadline, [&](MySqlConnection& c) -> absl::StatusOr<Customer> {
        SqlWhere where;
        if (!code.empty()) {
          where.And("c.code = ?", {code});
        } else {
          where.And("c.live_tax_id = ?", {tax_id});
        }
        where.And("c.deleted_at IS NULL");
        RestrictCustomers(where, call.caller, Access::kRead);
        sql::PreparedStatement& stmt =
            c.Prepare(absl::StrCat(kCustomerSelect, where.Sql(), " ORDER BY c.id LIMIT 1"));
        where.Bind(stmt);
        std::unique_ptr<sql::ResultSet> rs(stmt.executeQuery());
        if (!rs->next()) {
          return absl::NotFoundError(code.empty() ? "no customer with this tax ID"
                                                  : absl::StrCat("no customer with code ", code));
        }
        Customer customer = ReadCustomer(*rs);
        FillShares(c, {&customer});
        return customer;
      });
}

absl::StatusOr<Customer> CustomerRepository::Update(
    const CallContext& call, int64_t id, const std::string& etag,
    const std::function<absl::Status(Customer&)>& change) {
  int64_t city_id = 0;
  auto edit = [&](MySqlConnection& c, Customer& customer) -> absl::Status {
    const Customer before = customer;
    CRM_RETURN_IF_ERROR(change(customer));
    CRM_ASSIGN_OR_RETURN(city_id, CheckForWrite(c, call.caller, customer, &before));
    return absl::OkStatus();
  };
  auto write = [&](MySqlConnection& c, const Customer& customer) {
    sql::PreparedStatement& stmt = c.Prepare(kCustomerUpdate);
    BindCustomerUpdate(stmt, customer, city_id, FormatSqlDateTime(call.Now()));
    stmt.executeUpdate();
  };
  return UpdateVersioned(db_, call, CustomerTable(call), id, etag, edit, write);
}

absl::Status CustomerRepository::Delete(const CallContext& call, int64_t id,
                                        const std::string& etag) {
  auto edit = [](MySqlConnection&, Customer& customer) {
    customer.set_in_recycle_bin(true);
    return absl::OkStatus();
  };
  auto write = [&](MySqlConnection& c, const Customer&) {
    sql::PreparedStatement& stmt = c.Prepare("UPDATE customers SET deleted_at = ? WHERE id = ?");
    stmt.setDateTime(1, FormatSqlDateTime(call.Now()));
    stmt.setInt64(2, id);
    stmt.executeUpdate();
  };
  return UpdateVersioned(db_, call, CustomerTable(call), id, etag, edit, write, ChangeOp::kDelete)
      .status();
}

absl::StatusOr<CustomerPage> CustomerRepository::List(const CallContext& call,
                                                      const ListCustomersRequest& request,
                                                      int page_size,
                                                      const std::optional<ListPosition>& after,
                                                      bool count_total) {
  return db_.Run(
      "customer.list", call.deadline, [&](MySqlConnection& c) -> absl::StatusOr<CustomerPage> {
        const std::string column = OrderColumn(request.order_by());
        const bool desc = request.descending();
        const char* cmp = desc ? " < " : " > ";
        const char* dir = desc ? " DESC" : "";
        const std::string order = column.empty()
                                      ? absl::StrCat(" ORDER BY c.id", dir)
                                      : absl::StrCat(" ORDER BY ", column, dir, ", c.id", dir);
        KeysetQuery q(kCustomerSelect, "FROM customers c LEFT JOIN cities ci ON ci.id = c.city_id",
                      ListWhere(c, call, request), order, page_size);
        q.count_total = count_total;
        if (after && column.empty()) {
          q.After(absl::StrCat("c.id", cmp, "?"), {after->id});
        } else if (after) {
          q.After(absl::StrCat("(", column, cmp, "? OR (", column, " = ? AND c.id", cmp, "?))"),
                  {after->value, after->value, after->id});
        }
        Page<Customer> read = ReadKeysetPage<Customer>(c, q, ReadCustomer);
        CustomerPage page{std::move(read.rows), read.has_more, read.total_size};
        std::vector<Customer*> filled;
        for (Customer& customer : page.customers) filled.push_back(&customer);
        FillShares(c, filled);
        return page;
      });
}

}  // namespace crm::customer
