// ApplyServiceRequestChange: one upsert per change.
#include "services/reporting/service_request_model.h"

#include <cppconn/prepared_statement.h>

#include <string>

#include "common/base/dates.h"
#include "common/db/mysql_pool.h"
#include "common/db/record_helpers.h"
#include "common/db/sql_time.h"
#include "common/db/sql_where.h"
#include "crm/common/v1/changes.pb.h"
#include "crm/feedback/v1/service_request.pb.h"
#include "services/reporting/read_model_owner.h"

namespace crm::reporting {
namespace {

namespace fv1 = feedback::v1;

std::string Day(const google::protobuf::Timestamp& at, absl::TimeZone zone) {
  return FormatIsoDate(absl::ToCivilDay(FromTimestamp(at), zone));
}

}  // namespace

void ApplyServiceRequestChange(MySqlConnection& c, const common::v1::Change& change,
                               absl::TimeZone zone) {
  fv1::ServiceRequest r;
  if (!change.state().UnpackTo(&r)) return;
  if (change.operation() == common::v1::CHANGE_OPERATION_DELETE) {
    sql::PreparedStatement& gone = c.Prepare("DELETE FROM service_requests WHERE id = ?");
    gone.setInt64(1, r.id());
    gone.executeUpdate();
    return;
  }
  const Owner owner = OwnerOf(c, r.owner_employee_id());
  const fv1::SlaClock& resolution = r.resolution_clock();
  // The day the satisfaction was recorded is the day of the first change
  // that carries one; later changes keep it.
  sql::PreparedStatement& stmt = c.Prepare(
      "INSERT INTO service_requests (id, customer_id, type, priority, subject, status, handler_id,"
      " satisfaction, feedback_date, response_breached, resolution_breached,"
      " resolution_running, resolution_at_risk_at, resolution_due_at, created_date, owner_id,"
      " owner_department_id, owner_department_path)"
      " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON DUPLICATE KEY UPDATE"
      " customer_id = VALUES(customer_id), type = VALUES(type), priority = VALUES(priority),"
      " subject = VALUES(subject),"
      " status = VALUES(status), handler_id = VALUES(handler_id),"
      " satisfaction = VALUES(satisfaction),"
      " feedback_date = COALESCE(feedback_date, VALUES(feedback_date)),"
      " response_breached = VALUES(response_breached),"
      " resolution_breached = VALUES(resolution_breached),"
      " resolution_running = VALUES(resolution_running),"
      " resolution_at_risk_at = VALUES(resolution_at_risk_at),"
      " resolution_due_at = VALUES(resolution_due_at), created_date = VALUES(created_date),"
      " owner_id = VALUES(owner_id), owner_department_id = VALUES(owner_department_id),"
      " owner_department_path = VALUES(owner_department_path)");
  int i = 1;
  stmt.setInt64(i++, r.id());
  stmt.setInt64(i++, r.customer_id());
  stmt.setInt(i++, r.type());
  stmt.setInt(i++, r.priority());
  stmt.setString(i++, r.subject());
  stmt.setInt(i++, r.status());
  stmt.setInt64(i++, r.handler_employee_id());
  stmt.setInt(i++, r.satisfaction());
  SetStringOrNull(stmt, i++, r.satisfaction() > 0 ? Day(r.update_time(), zone) : "");
  stmt.setInt(i++, r.first_response().breached() ? 1 : 0);
  stmt.setInt(i++, resolution.breached() ? 1 : 0);
  stmt.setInt(i++, resolution.running() ? 1 : 0);
  SetStringOrNull(stmt, i++,
                  resolution.has_at_risk_time()
                      ? FormatSqlDateTime(FromTimestamp(resolution.at_risk_time()))
                      : "");
  SetStringOrNull(
      stmt, i++,
      resolution.has_due_time() ? FormatSqlDateTime(FromTimestamp(resolution.due_time())) : "");
  stmt.setString(i++, Day(r.create_time(), zone));
  stmt.setInt64(i++, owner.employee_id);
  stmt.setInt64(i++, owner.department_id);
  stmt.setString(i++, owner.department_path);
  stmt.executeUpdate();
}

}  // namespace crm::reporting
