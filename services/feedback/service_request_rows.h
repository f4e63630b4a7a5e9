// Inside the service request repository (service_request_repository.cc,
// service_request_sla.cc): how a request row is read, shown and written.
// Not for other code: the repository is the interface.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "absl/time/time.h"
#include "common/db/visibility.h"
#include "common/feed/versioned_rows.h"
#include "common/rpc/call_context.h"
#include "crm/feedback/v1/service_request.pb.h"
#include "services/feedback/sla_schedule.h"
#include "services/feedback/work_calendar.h"

namespace sql {
class PreparedStatement;
class ResultSet;
}  // namespace sql

namespace crm::feedback::request_rows {

// Every column a request is read with, and the same with the SLA lists'
// sort key (breach_at) last, as column 35.
extern const std::string kRequestSelect;
extern const std::string kSlaSelect;

// A stored request: the record as clients see it (SLA clocks not yet
// filled in), its SLA facts and where its owner works.
struct Row {
  v1::ServiceRequest request;
  SlaFacts facts;
  std::string owner_department_path;
  // The deadlines as last scheduled, and under which calendar revision.
  SlaSchedule stored;
  int64_t schedule_revision = 0;
};

Row ReadRow(sql::ResultSet& rs);
// The record as of `now`, with both SLA clocks filled in: the deadlines as
// stored when they were scheduled under the current calendar (`revision`),
// else computed again (a calendar edit the worker has not yet applied).
v1::ServiceRequest Present(Row row, const WorkCalendar& calendar, absl::Duration above_delay,
                           int64_t revision, absl::Time now);
std::optional<Row> LoadRow(MySqlConnection& c, const VisibilityScope& scope, int64_t id,
                           bool for_update);
// Every request, whoever owns it: what the SLA worker acts on.
const VisibilityScope& Everything();

// One operation's view: the calendar, read once, and the facts of the row
// last locked for update.
class Operation {
 public:
  Operation(const CallContext& call, absl::TimeZone zone, absl::Duration above_delay)
      : call_(call), zone_(zone), above_delay_(above_delay) {}

  const WorkCalendar& Calendar(MySqlConnection& c);
  int64_t Revision(MySqlConnection& c);
  RecordTable<v1::ServiceRequest> Table();
  v1::ServiceRequest Show(MySqlConnection& c, Row row);

  const Row& locked() const { return *locked_; }

 private:
  const CallContext& call_;
  absl::TimeZone zone_;
  absl::Duration above_delay_;
  std::optional<WorkCalendar> calendar_;
  std::optional<int64_t> revision_;
  std::optional<Row> locked_;
};

// Writes the facts and the deadlines they give.
void WriteSchedule(MySqlConnection& c, int64_t id, const SlaFacts& f, const WorkCalendar& calendar,
                   absl::Duration above_delay, int64_t revision);
// Parameters 1–3 of the insert and the update, in the order both name them.
void BindEditableColumns(sql::PreparedStatement& stmt, const v1::ServiceRequest& r);
// The fields a step or an edit changes.
void WriteRecord(MySqlConnection& c, const v1::ServiceRequest& r);
int64_t InsertEvent(MySqlConnection& c, const CallContext& call, int64_t request_id,
                    v1::ServiceRequestEvent::Kind kind, v1::RequestStatus from,
                    v1::RequestStatus to, const std::string& note, int64_t escalation_id);
// The department above the one at `path` ("/1/4/9/" -> 4); the department
// itself when it is at the top.
int64_t DepartmentAbove(const std::string& path, int64_t department_id);
void SetTimeOrNull(sql::PreparedStatement& stmt, int index, std::optional<absl::Time> t);

extern const char kEscalationSelect[];
// An escalation from its eight columns starting at `first`.
v1::Escalation ReadEscalation(sql::ResultSet& rs, int first);

}  // namespace crm::feedback::request_rows
