// SQL for the customer aggregate (crm_customer.customers and its shares).
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "common/rpc/call_context.h"
#include "crm/customer/v1/customer.pb.h"
#include "crm/customer/v1/customer_requests.pb.h"

namespace crm {
class Database;
class MySqlConnection;
}  // namespace crm

namespace crm::customer {

// Where a list page starts: after the row with this sort value and id.
struct ListPosition {
  std::string value;  // the sort column's value as text (unused when ordering by id)
  int64_t id = 0;
};

struct CustomerPage {
  std::vector<v1::Customer> customers;
  bool has_more = false;
  int64_t total_size = 0;
};

// A live customer that a new or changed one would duplicate (R9: same credit
// code, same tax ID, or same name in the same city).
struct Duplicate {
  int64_t id = 0;
  std::string code;
  std::string reason;  // "same tax ID", "same name in the same city"
};

// Every write also appends its change row in the same transaction, and
// every query is limited to what the caller may see (customer_access.h): a
// customer out of sight is NOT_FOUND.
class CustomerRepository {
 public:
  explicit CustomerRepository(Database& db) : db_(db) {}

  // Inserts `customer` (prepared and validated) with a newly issued code,
  // owned by the caller or, with `to_pool`, by nobody. Checks references and
  // duplicates (ALREADY_EXISTS). With a request id, a second call by the same
  // caller with the same id returns the customer the first one created.
  absl::StatusOr<v1::Customer> Create(const CallContext& call, const v1::Customer& customer,
                                      const std::string& request_id, bool to_pool);

  absl::StatusOr<v1::Customer> Get(const CallContext& call, int64_t id);
  // By code or tax ID (exactly one of them non-empty).
  absl::StatusOr<v1::Customer> Lookup(const CallContext& call, const std::string& code,
                                      const std::string& tax_id);

  // Locks the customer, checks `etag` (when not empty), lets `change` edit it,
  // checks references and duplicates, and writes it back with a new etag.
  // `change` returns an error to abort.
  absl::StatusOr<v1::Customer> Update(const CallContext& call, int64_t id, const std::string& etag,
                                      const std::function<absl::Status(v1::Customer&)>& change);

  // Moves the customer to the recycle bin.
  absl::Status Delete(const CallContext& call, int64_t id, const std::string& etag);

  // `request` is validated; `after` is where the page starts (or nullopt).
  // total_size is only counted with `count_total`.
  absl::StatusOr<CustomerPage> List(const CallContext& call,
                                    const v1::ListCustomersRequest& request, int page_size,
                                    const std::optional<ListPosition>& after,
                                    bool count_total = true);

 private:
  Database& db_;
};

// The first live customer other than `exclude_id` with this unified social
// credit code or tax ID (each when not empty), or this name (by NameKey) in
// this city (0: none). Unique keys catch what a concurrent transaction slips
// in after this check (ALREADY_EXISTS).
std::optional<Duplicate> FindDuplicate(MySqlConnection& connection, const std::string& tax_id,
                                       const std::string& credit_code, const std::string& name,
                                       int64_t city_id, int64_t exclude_id);

// The value of customers.live_name_city for a name and city: the name's
// NameKey, so variants of one company name meet.
std::string NameCityKey(const std::string& name, int64_t city_id);

// The sort column of a list order and its value in a customer ("" for id).
const char* OrderColumn(v1::ListCustomersRequest::Order order);
std::string OrderValue(const v1::Customer& customer, v1::ListCustomersRequest::Order order);

}  // namespace crm::customer
