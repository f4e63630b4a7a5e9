// SQL for contacts (R5) and their anniversaries. A contact is seen and
// changed through its customer: reads need read access to the customer,
// writes write access (customer_access.h); out of sight is NOT_FOUND.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "common/rpc/call_context.h"
#include "crm/customer/v1/contact.pb.h"

namespace crm {
class Database;
class MySqlConnection;
}  // namespace crm

namespace crm::customer {

// Where a list page starts: after this contact in (customer, primary first, id) order.
struct ContactPosition {
  int64_t customer_id = 0;
  bool primary = false;
  int64_t id = 0;
};

struct ContactPage {
  std::vector<v1::Contact> contacts;
  bool has_more = false;
  int64_t total_size = 0;
};

// Every write appends its change rows (one per contact whose state changed,
// e.g. the demoted primary too) in the same transaction. A customer always
// has exactly one live primary contact once it has a live contact: every
// write that may move it locks the customer row first, so switches are
// serialised, and the contacts_primary_of unique key backs that up.
class ContactRepository {
 public:
  explicit ContactRepository(Database& db) : db_(db) {}

  // Inserts `contact` (prepared and validated, owner set). The customer's
  // first contact becomes primary; a primary one demotes the old primary.
  // With a request id, a second call by the same caller returns the first
  // result.
  absl::StatusOr<v1::Contact> Create(const CallContext& call, const v1::Contact& contact,
                                     const std::string& request_id);

  absl::StatusOr<v1::Contact> Get(const CallContext& call, int64_t id);

  // Locks the customer and the contact, checks `etag` (when not empty), lets
  // `change` edit the contact (it returns an error to abort), and writes it
  // back. Turning primary on demotes the old primary; turning it off is
  // FAILED_PRECONDITION (another contact must be made primary instead).
  absl::StatusOr<v1::Contact> Update(const CallContext& call, int64_t id, const std::string& etag,
                                     const std::function<absl::Status(v1::Contact&)>& change);

  // Soft-deletes the contact; when it was primary, the oldest remaining
  // live contact of the customer becomes primary.
  absl::Status Delete(const CallContext& call, int64_t id, const std::string& etag);

  // Makes the contact its customer's primary one (a no-op when it is).
  absl::StatusOr<v1::Contact> SetPrimary(const CallContext& call, int64_t id);

  // Live contacts of readable customers; `customer_id` 0 and `name` "" mean
  // any. `after` is where the page starts (or nullopt).
  absl::StatusOr<ContactPage> List(const CallContext& call, int64_t customer_id,
                                   const std::string& name, int page_size,
                                   const std::optional<ContactPosition>& after);

 private:
  // The customer of a live contact (fixed for the contact's life), or 0.
  absl::StatusOr<int64_t> CustomerOf(const CallContext& call, int64_t id);

  Database& db_;
};

absl::Status ContactNotFound(int64_t id);

// For bulk import: inserts each contact (prepared, validated, customer_id and
// owner set) as the primary contact of its new customer, which has none yet,
// and returns them as stored, in the order given. With `consecutive_ids`
// (the server gives a multi-row insert consecutive ids) the stored states are
// built without reading the rows back. Throws sql::SQLException.
std::vector<v1::Contact> InsertFirstContacts(MySqlConnection& connection,
                                             const std::vector<v1::Contact>& contacts,
                                             const std::string& now, bool consecutive_ids);

}  // namespace crm::customer
