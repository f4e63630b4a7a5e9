// ApplyFeedbackChange: one upsert per complaint change.
#include "services/customer/complaint_events.h"

#include <cppconn/prepared_statement.h>

#include <string>

#include "absl/strings/str_cat.h"
#include "common/base/status_util.h"
#include "common/db/mysql_pool.h"
#include "common/db/record_helpers.h"
#include "common/db/sql_time.h"
#include "common/db/sql_where.h"
#include "crm/common/v1/changes.pb.h"
#include "crm/feedback/v1/service_request.pb.h"

namespace crm::customer {
namespace {

// What the event says of the complaint now: its status and the latest
// resolution or the customer's rating.
std::string DescribeComplaint(const feedback::v1::ServiceRequest& r) {
  std::string text =
      absl::StrCat("投诉单 ", r.id(), "，状态：", feedback::v1::RequestStatus_Name(r.status()));
  if (!r.resolution().empty()) absl::StrAppend(&text, "；处理：", r.resolution());
  if (r.reopen_count() > 0) absl::StrAppend(&text, "；重新处理 ", r.reopen_count(), " 次");
  if (r.satisfaction() > 0) absl::StrAppend(&text, "；满意度 ", r.satisfaction(), "/5");
  if (!r.description().empty()) absl::StrAppend(&text, "\n", r.description());
  return TruncateUtf8(text, 4000);
}

}  // namespace

void ApplyFeedbackChange(MySqlConnection& c, const common::v1::Change& change) {
  feedback::v1::ServiceRequest r;
  if (!change.state().UnpackTo(&r) || r.type() != feedback::v1::COMPLAINT) return;
  const std::string occur_at = FormatSqlDateTime(FromTimestamp(r.create_time()));
  // INSERT … SELECT from customers: a customer purged since writes nothing
  // (rather than stopping the feed on the foreign key).
  sql::PreparedStatement& stmt = c.Prepare(
      "INSERT INTO customer_events (customer_id, type_code, occur_at, title, description,"
      " contact_id, recorded_by, source, created_at)"
      " SELECT id, 'complaint', ?, ?, ?, ?, ?, ?, ? FROM customers WHERE id = ?"
      " ON DUPLICATE KEY UPDATE title = VALUES(title), description = VALUES(description)");
  stmt.setDateTime(1, occur_at);
  stmt.setString(2, TruncateUtf8(r.subject(), 200));
  stmt.setString(3, DescribeComplaint(r));
  SetIdOrNull(stmt, 4, r.contact_id());
  stmt.setInt64(5, r.owner_employee_id());
  stmt.setString(6, absl::StrCat("feedback/service_request/", r.id()));
  stmt.setDateTime(7, FormatSqlDateTime(FromTimestamp(change.change_time())));
  stmt.setInt64(8, r.customer_id());
  stmt.executeUpdate();
  // A complaint is activity of its customer, as any event is.
  sql::PreparedStatement& activity = c.Prepare(
      "UPDATE customers SET last_activity_at = GREATEST(last_activity_at, ?) WHERE id = ?");
  activity.setDateTime(1, occur_at);
  activity.setInt64(2, r.customer_id());
  activity.executeUpdate();
}

}  // namespace crm::customer
