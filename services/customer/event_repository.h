// SQL for customer events (R8). An event is seen and changed through its
// customer, like a contact (customer_access.h); out of sight is NOT_FOUND.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "common/db/keyset_page.h"
#include "common/rpc/call_context.h"
#include "crm/customer/v1/event.pb.h"

namespace crm {
class Database;
}

namespace crm::customer {

// The filters of a list, combined; empty ones mean any.
struct EventFilter {
  int64_t customer_id = 0;
  std::string type_code;
  std::optional<absl::Time> occur_after;   // inclusive
  std::optional<absl::Time> occur_before;  // exclusive
};

// Where a list page starts: after this event in newest-first order.
struct EventPosition {
  std::string occur_at;  // SQL DATETIME text
  int64_t id = 0;
};

using EventPage = Page<v1::CustomerEvent>;

class EventRepository {
 public:
  explicit EventRepository(Database& db) : db_(db) {}

  // Inserts `event` (validated; recorded_by set) for a customer the caller
  // may change, after checking that its type is an active EVENT_TYPE entry
  // and its contact (when given) a live contact of the same customer
  // (INVALID_ARGUMENT naming event.type_code / event.contact_id). Moves the
  // customer's last activity up to the event's time. With a request id, a
  // second call by the same caller returns the first result.
  absl::StatusOr<v1::CustomerEvent> Create(const CallContext& call, const v1::CustomerEvent& event,
                                           const std::string& request_id);

  // Deletes the event for good (the change feed keeps its last state).
  absl::Status Delete(const CallContext& call, int64_t id);

  // Events of readable customers, newest first.
  absl::StatusOr<EventPage> List(const CallContext& call, const EventFilter& filter, int page_size,
                                 const std::optional<EventPosition>& after);

 private:
  Database& db_;
};

// The page token value of an event's time.
std::string EventTimeKey(const v1::CustomerEvent& event);

}  // namespace crm::customer
