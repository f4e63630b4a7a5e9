// CustomerRepository: prepared statements over crm_customer.customers.
#include "services/customer/customer_repository.h"

#include <cppconn/prepared_statement.h>
#include <cppconn/resultset.h>

#include <memory>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "common/change_log.h"
#include "common/database.h"
#include "common/record_helpers.h"
#include "common/sql_time.h"
#include "common/sql_where.h"
#include "common/status_util.h"
#include "common/visibility.h"

namespace crm::customer {
namespace {

using v1::Customer;

constexpr char kColumns[] =
    "id, name, keywords, region_code, city, address, phone, email, status, grade, remarks,"
    " owner_id, version, created_at, updated_at";

Customer ReadCustomer(sql::ResultSet& rs) {
  Customer c;
  c.set_id(rs.getInt64(1));
  c.set_name(rs.getString(2));
  c.set_keywords(rs.getString(3));
  c.set_region_code(rs.getString(4));
  c.set_city(rs.getString(5));
  c.set_address(rs.getString(6));
  c.set_phone(rs.getString(7));
  c.set_email(rs.getString(8));
  c.set_status(static_cast<v1::CustomerStatus>(rs.getInt(9)));
  c.set_grade(static_cast<v1::CustomerGrade>(rs.getInt(10)));
  c.set_remarks(rs.getString(11));
  c.set_owner_id(rs.getInt64(12));
  c.set_etag(EtagOf(rs.getInt64(13)));
  SqlDateTimeToTimestamp(rs.getString(14), c.mutable_create_time());
  SqlDateTimeToTimestamp(rs.getString(15), c.mutable_update_time());
  return c;
}

absl::Status NotFound(int64_t id) {
  return absl::NotFoundError(absl::StrCat("customer ", id, " not found"));
}

absl::Status StaleEtag() {
  return absl::AbortedError(
      "the customer changed since it was read (etag mismatch); "
      "read it again and retry");
}

// Loads a live customer the caller may see, locking its row when `for_update`.
std::unique_ptr<Customer> Load(MySqlConnection& c, const CallContext& call, int64_t id,
                               bool for_update) {
  SqlWhere where;
  where.And("id = ?", {id}).And("deleted_at IS NULL");
  RestrictToScope(where, ScopeOf(call.caller), "owner_id", "owner_department_path");
  sql::PreparedStatement& stmt = c.Prepare(absl::StrCat(
      "SELECT ", kColumns, " FROM customers", where.Sql(), for_update ? " FOR UPDATE" : ""));
  where.Bind(stmt);
  std::unique_ptr<sql::ResultSet> rs(stmt.executeQuery());
  if (!rs->next()) return nullptr;
  return std::make_unique<Customer>(ReadCustomer(*rs));
}

absl::Status CheckRegion(MySqlConnection& c, const std::string& code) {
  sql::PreparedStatement& stmt = c.Prepare("SELECT 1 FROM regions WHERE code = ?");
  stmt.setString(1, code);
  std::unique_ptr<sql::ResultSet> rs(stmt.executeQuery());
  if (rs->next()) return absl::OkStatus();
  return InvalidField("customer.region_code", absl::StrCat("unknown region '", code, "'"));
}

// The id of the customer an earlier create with this request id made, or 0.
int64_t FindByRequestId(MySqlConnection& c, const std::string& request_id) {
  sql::PreparedStatement& stmt = c.Prepare("SELECT id FROM customers WHERE create_request_id = ?");
  stmt.setString(1, request_id);
  std::unique_ptr<sql::ResultSet> rs(stmt.executeQuery());
  return rs->next() ? rs->getInt64(1) : 0;
}

std::unique_ptr<Customer> LoadIncludingDeleted(MySqlConnection& c, int64_t id) {
  sql::PreparedStatement& stmt =
      c.Prepare(absl::StrCat("SELECT ", kColumns, " FROM customers WHERE id = ?"));
  stmt.setInt64(1, id);
  std::unique_ptr<sql::ResultSet> rs(stmt.executeQuery());
  if (!rs->next()) return nullptr;
  return std::make_unique<Customer>(ReadCustomer(*rs));
}

// The filters of a list and the caller's scope.
SqlWhere ListWhere(const CallContext& call, const CustomerListQuery& q) {
  SqlWhere where;
  where.And("deleted_at IS NULL");
  if (q.status != v1::CUSTOMER_STATUS_UNSPECIFIED) {
    where.And("status = ?", {static_cast<int64_t>(q.status)});
  }
  if (!q.region_code.empty()) where.And("region_code = ?", {q.region_code});
  RestrictToScope(where, ScopeOf(call.caller), "owner_id", "owner_department_path");
  return where;
}

}  // namespace

absl::StatusOr<Customer> CustomerRepository::Create(const CallContext& call,
                                                    const Customer& customer,
                                                    const std::string& request_id) {
  const std::string request_key = CallerRequestKey(call, request_id);
  auto insert = [&](MySqlConnection& c) -> absl::StatusOr<Customer> {
    if (!request_key.empty()) {
      if (int64_t existing = FindByRequestId(c, request_key); existing != 0) {
        if (auto first = LoadIncludingDeleted(c, existing)) return *first;
      }
    }
    CRM_RETURN_IF_ERROR(CheckRegion(c, customer.region_code()));
    const absl::Time now = absl::Now();
    const std::string now_text = FormatSqlDateTime(now);
    sql::PreparedStatement& stmt = c.Prepare(
        "INSERT INTO customers (name, keywords, region_code, city, address, phone, email, status,"
        " grade, remarks, owner_id, owner_department_id, owner_department_path, version,"
        " create_request_id, created_at, updated_at)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1, ?, ?, ?)");
    stmt.setString(1, customer.name());
    stmt.setString(2, customer.keywords());
    stmt.setString(3, customer.region_code());
    stmt.setString(4, customer.city());
    stmt.setString(5, customer.address());
    stmt.setString(6, customer.phone());
    stmt.setString(7, customer.email());
    stmt.setInt(8, customer.status());
    stmt.setInt(9, customer.grade());
    stmt.setString(10, customer.remarks());
    stmt.setInt64(11, call.caller.employee_id);
    stmt.setInt64(12, call.caller.department_id);
    stmt.setString(13, call.caller.department_path);
    SetStringOrNull(stmt, 14, request_key);
    stmt.setDateTime(15, now_text);
    stmt.setDateTime(16, now_text);
    stmt.executeUpdate();
    Customer created = customer;
    created.set_owner_id(call.caller.employee_id);
    created.set_id(c.LastInsertId());
    created.set_etag(EtagOf(1));
    SetTimestamp(now, created.mutable_create_time());
    SetTimestamp(now, created.mutable_update_time());
    AppendChange(c, call, ChangeOp::kCreate, created.id(), created);
    return created;
  };
  absl::StatusOr<Customer> result = db_.RunInTransaction("customer.create", call.deadline, insert);
  if (result.status().code() == absl::StatusCode::kAlreadyExists && !request_key.empty()) {
    // A concurrent retry with the same request id committed first: answer with its result.
    return db_.Run("customer.create.replay", call.deadline,
                   [&](MySqlConnection& c) -> absl::StatusOr<Customer> {
                     int64_t existing = FindByRequestId(c, request_key);
                     auto first = existing == 0 ? nullptr : LoadIncludingDeleted(c, existing);
                     if (!first) return result.status();
                     return *first;
                   });
  }
  return result;
}

absl::StatusOr<Customer> CustomerRepository::Get(const CallContext& call, int64_t id) {
  return db_.Run("customer.get", call.deadline,
                 [&](MySqlConnection& c) -> absl::StatusOr<Customer> {
                   std::unique_ptr<Customer> customer = Load(c, call, id, /*for_update=*/false);
                   if (!customer) return NotFound(id);
                   return *customer;
                 });
}

absl::StatusOr<Customer> CustomerRepository::Update(
    const CallContext& call, int64_t id, const std::string& etag,
    const std::function<absl::Status(Customer&)>& change) {
  return db_.RunInTransaction(
      "customer.update", call.deadline, [&](MySqlConnection& c) -> absl::StatusOr<Customer> {
        std::unique_ptr<Customer> customer = Load(c, call, id, /*for_update=*/true);
        if (!customer) return NotFound(id);
        if (!etag.empty() && etag != customer->etag()) return StaleEtag();
        const std::string old_region = customer->region_code();
        CRM_RETURN_IF_ERROR(change(*customer));
        if (customer->region_code() != old_region) {
          CRM_RETURN_IF_ERROR(CheckRegion(c, customer->region_code()));
        }
        const absl::Time now = absl::Now();
        sql::PreparedStatement& stmt = c.Prepare(
            "UPDATE customers SET name = ?, keywords = ?, region_code = ?, city = ?, address = ?,"
            " phone = ?, email = ?, status = ?, grade = ?, remarks = ?, version = version + 1,"
            " updated_at = ? WHERE id = ?");
        stmt.setString(1, customer->name());
        stmt.setString(2, customer->keywords());
        stmt.setString(3, customer->region_code());
        stmt.setString(4, customer->city());
        stmt.setString(5, customer->address());
        stmt.setString(6, customer->phone());
        stmt.setString(7, customer->email());
        stmt.setInt(8, customer->status());
        stmt.setInt(9, customer->grade());
        stmt.setString(10, customer->remarks());
        stmt.setDateTime(11, FormatSqlDateTime(now));
        stmt.setInt64(12, id);
        stmt.executeUpdate();
        int64_t version = 0;
        if (!absl::SimpleAtoi(customer->etag(), &version)) version = 0;
        customer->set_etag(EtagOf(version + 1));
        SetTimestamp(now, customer->mutable_update_time());
        AppendChange(c, call, ChangeOp::kUpdate, id, *customer);
        return *customer;
      });
}

absl::Status CustomerRepository::Delete(const CallContext& call, int64_t id,
                                        const std::string& etag) {
  return db_.RunInTransaction("customer.delete", call.deadline, [&](MySqlConnection& c) {
    std::unique_ptr<Customer> customer = Load(c, call, id, /*for_update=*/true);
    if (!customer) return NotFound(id);
    if (!etag.empty() && etag != customer->etag()) return StaleEtag();
    sql::PreparedStatement& stmt =
        c.Prepare("UPDATE customers SET deleted_at = ?, version = version + 1 WHERE id = ?");
    stmt.setDateTime(1, FormatSqlDateTime(absl::Now()));
    stmt.setInt64(2, id);
    stmt.executeUpdate();
    AppendChange(c, call, ChangeOp::kDelete, id, *customer);
    return absl::OkStatus();
  });
}

absl::StatusOr<CustomerPage> CustomerRepository::List(const CallContext& call,
                                                      const CustomerListQuery& query) {
  return db_.Run(
      "customer.list", call.deadline, [&](MySqlConnection& c) -> absl::StatusOr<CustomerPage> {
        CustomerPage page;
        const SqlWhere where = ListWhere(call, query);
        sql::PreparedStatement& rows =
            c.Prepare(absl::StrCat("SELECT ", kColumns, " FROM customers", where.Sql(),
                                   " AND id > ? ORDER BY id LIMIT ?"));
        int index = where.Bind(rows);
        rows.setInt64(index++, query.after_id);
        rows.setInt(index, query.page_size + 1);  // one extra row tells whether more follow
        std::unique_ptr<sql::ResultSet> rs(rows.executeQuery());
        while (rs->next()) {
          if (static_cast<int>(page.customers.size()) == query.page_size) {
            page.has_more = true;
            break;
          }
          page.customers.push_back(ReadCustomer(*rs));
        }
        sql::PreparedStatement& count =
            c.Prepare(absl::StrCat("SELECT COUNT(*) FROM customers", where.Sql()));
        where.Bind(count);
        std::unique_ptr<sql::ResultSet> total(count.executeQuery());
        total->next();
        page.total_size = total->getInt64(1);
        return page;
      });
}

}  // namespace crm::customer
