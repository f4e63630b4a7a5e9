// SQL for service requests (R17), their events and escalations, under
// row-level visibility (owned by their creator until assigned, then by their
// handler). Every write recomputes the request's SLA columns from its facts
// and the calendar (sla_schedule.h), in the same transaction.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "common/db/keyset_page.h"
#include "common/feed/owner_departments.h"
#include "common/rpc/call_context.h"
#include "crm/feedback/v1/service_request.pb.h"
#include "services/feedback/sla_schedule.h"

namespace crm {
class Database;
class MySqlConnection;
}  // namespace crm

namespace crm::feedback {

struct ServiceRequestFilter {
  int64_t customer_id = 0;
  int64_t handler_id = 0;
  v1::RequestStatus status = v1::REQUEST_STATUS_UNSPECIFIED;
  v1::RequestType type = v1::REQUEST_TYPE_UNSPECIFIED;
};

enum class SlaList { kOverdue, kAtRisk };

// A page of an SLA list and the sort key of its last row (for the token).
struct SlaPage {
  Page<v1::ServiceRequest> page;
  std::string last_breach_at;  // SQL DATETIME text
};

// Where a SLA list page starts: after this deadline and id.
struct SlaPosition {
  std::string breach_at;  // SQL DATETIME text
  int64_t id = 0;
};

// What a lifecycle step does to a request: checks it may happen (an error
// changes nothing), then changes the record and its SLA facts. `new_owner`:
// set by an assignment.
struct StepChange {
  v1::ServiceRequest& request;
  SlaFacts& facts;
  std::optional<Owner>& new_owner;
  absl::Time now;
  const WorkCalendar& calendar;
};
using Step = std::function<absl::Status(StepChange& change)>;
// What a step records besides its event, in the same transaction (a return
// visit's row).
using StepRecord = std::function<void(MySqlConnection& connection)>;

class ServiceRequestRepository {
 public:
  // `zone`: the company's (the calendar's); `above_delay`: working time from
  // a breach to the escalation to the head above.
  ServiceRequestRepository(Database& db, absl::TimeZone zone, absl::Duration above_delay)
      : db_(db), zone_(zone), above_delay_(above_delay) {}

  // `request` validated and its customer checked; its targets come from the
  // SLA policy for its type and priority.
  absl::StatusOr<v1::ServiceRequest> Create(const CallContext& call,
                                            const v1::ServiceRequest& request,
                                            const std::string& request_id);
  absl::StatusOr<v1::ServiceRequest> Get(const CallContext& call, int64_t id);
  // The editable fields (contact, subject, description).
  absl::StatusOr<v1::ServiceRequest> Update(
      const CallContext& call, int64_t id, const std::string& etag,
      const std::function<absl::Status(v1::ServiceRequest&)>& change);
  // A lifecycle step on a request the caller may change; recorded as an
  // event with `note` when it changes something.
  absl::StatusOr<v1::ServiceRequest> ApplyStep(const CallContext& call, int64_t id,
                                               const std::string& etag, const std::string& note,
                                               const Step& step,
                                               const StepRecord& record = nullptr);
  // `visit` validated; `step` moves the request on by its outcome. A retry
  // with the same request id records nothing new and returns the request.
  absl::StatusOr<v1::ServiceRequest> RecordReturnVisit(const CallContext& call,
                                                       const v1::ReturnVisit& visit,
                                                       const std::string& etag,
                                                       const std::string& request_id,
                                                       const std::string& note, const Step& step);
  absl::StatusOr<std::vector<v1::ReturnVisit>> ReturnVisits(const CallContext& call, int64_t id);
  absl::StatusOr<Page<v1::ServiceRequest>> List(const CallContext& call,
                                                const ServiceRequestFilter& filter, int page_size,
                                                std::optional<int64_t> before_id);
  // ListOverdue / ListAtRisk; `department_id` 0: all the caller sees.
  absl::StatusOr<SlaPage> ListSla(const CallContext& call, SlaList which, int64_t department_id,
                                  int page_size, const std::optional<SlaPosition>& after);
  absl::StatusOr<Page<v1::ServiceRequestEvent>> Events(const CallContext& call, int64_t id,
                                                       int page_size,
                                                       std::optional<int64_t> after_id);
  absl::StatusOr<Page<v1::Escalation>> MyEscalations(const CallContext& call, int page_size,
                                                     std::optional<int64_t> before_id);

  // The SLA worker's two passes, as `call` (the service itself), each over
  // at most `limit` requests; return how many they changed. Requests
  // scheduled under an older calendar are scheduled again; escalations due
  // by now fire, each once.
  absl::StatusOr<int> RescheduleAfterCalendarEdits(const CallContext& call, int limit);
  absl::StatusOr<int> FireEscalations(const CallContext& call, int limit);

 private:
  Database& db_;
  absl::TimeZone zone_;
  absl::Duration above_delay_;
};

}  // namespace crm::feedback
