// SQL for contact records (R13) under row-level visibility (owned by the
// employee who made the contact), and the caller's reminders (R43), which
// read contact records, opportunities and orders.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "common/db/keyset_page.h"
#include "common/rpc/call_context.h"
#include "crm/sales/v1/contact_record.pb.h"

namespace crm {
class Database;
}  // namespace crm

namespace crm::sales {

struct ContactRecordFilter {
  int64_t customer_id = 0;
  int64_t owner_employee_id = 0;
  int64_t opportunity_id = 0;
  std::string from_date, to_date;  // "": no bound
};

struct ContactRecordPosition {
  std::string contact_date;
  int64_t id = 0;
};

class ContactRecordRepository {
 public:
  explicit ContactRecordRepository(Database& db) : db_(db) {}

  // `record` validated (its contact checked). A named opportunity must be an
  // open one of the same customer the caller may change; it is then followed
  // up (no longer stale) in the same transaction.
  absl::StatusOr<v1::ContactRecord> Create(const CallContext& call, const v1::ContactRecord& record,
                                           const std::string& request_id);
  absl::StatusOr<v1::ContactRecord> Get(const CallContext& call, int64_t id);
  absl::StatusOr<v1::ContactRecord> Update(
      const CallContext& call, int64_t id, const std::string& etag,
      const std::function<absl::Status(v1::ContactRecord&)>& change);
  absl::StatusOr<Page<v1::ContactRecord>> List(const CallContext& call,
                                               const ContactRecordFilter& filter, int page_size,
                                               const std::optional<ContactRecordPosition>& after);
  // The caller's own reminders from `from_date` to `to_date`, sorted.
  absl::StatusOr<std::vector<v1::Reminder>> Reminders(const CallContext& call,
                                                      const std::string& from_date,
                                                      const std::string& to_date);

 private:
  Database& db_;
};

}  // namespace crm::sales
