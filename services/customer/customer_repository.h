// SQL for the customer aggregate (crm_customer.customers).
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "common/call_context.h"
#include "crm/customer/v1/customer.pb.h"

namespace crm {
class Database;
class MySqlConnection;
}  // namespace crm

namespace crm::customer {

struct CustomerListQuery {
  int page_size = 50;
  int64_t after_id = 0;  // keyset position: customers with a larger id
  v1::CustomerStatus status = v1::CUSTOMER_STATUS_UNSPECIFIED;  // unspecified: any
  std::string region_code;                                      // empty: any
};

struct CustomerPage {
  std::vector<v1::Customer> customers;
  bool has_more = false;
  int64_t total_size = 0;
};

// Every write also appends its change row in the same transaction. Every
// query is limited to what the caller may see (common/visibility.h): a
// customer out of sight is NOT_FOUND.
class CustomerRepository {
 public:
  explicit CustomerRepository(Database& db) : db_(db) {}

  // Inserts `customer` (already validated), owned by the caller. With a
  // request id, a second call by the same caller with the same id returns the
  // customer the first one created.
  absl::StatusOr<v1::Customer> Create(const CallContext& call, const v1::Customer& customer,
                                      const std::string& request_id);

  absl::StatusOr<v1::Customer> Get(const CallContext& call, int64_t id);

  // Locks the customer, checks `etag` (when not empty), lets `change` edit it,
  // and writes it back with a new etag. `change` returns an error to abort.
  absl::StatusOr<v1::Customer> Update(const CallContext& call, int64_t id, const std::string& etag,
                                      const std::function<absl::Status(v1::Customer&)>& change);

  // Soft delete.
  absl::Status Delete(const CallContext& call, int64_t id, const std::string& etag);

  absl::StatusOr<CustomerPage> List(const CallContext& call, const CustomerListQuery& query);

 private:
  Database& db_;
};

}  // namespace crm::customer
