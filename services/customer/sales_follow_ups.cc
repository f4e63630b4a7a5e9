// ApplySalesChange: at most two updates of one customer row per change.
#include "services/customer/sales_follow_ups.h"

#include <cppconn/prepared_statement.h>

#include <algorithm>

#include "common/db/mysql_pool.h"
#include "common/db/record_helpers.h"
#include "common/db/sql_time.h"
#include "crm/common/v1/changes.pb.h"
#include "crm/sales/v1/contact_record.pb.h"
#include "crm/sales/v1/opportunity.pb.h"
#include "crm/sales/v1/order.pb.h"

namespace crm::customer {
namespace {

bool Changed(const common::v1::Change& change, const char* field) {
  return std::find(change.changed_fields().begin(), change.changed_fields().end(), field) !=
         change.changed_fields().end();
}

bool Created(const common::v1::Change& change) {
  return change.operation() == common::v1::CHANGE_OPERATION_CREATE;
}

// Moves the customer's `column` on to `at`, never back (the feed may carry
// an older event after a newer one of another kind).
void MoveOn(MySqlConnection& c, const char* column, int64_t customer_id,
            const google::protobuf::Timestamp& at) {
  if (customer_id <= 0) return;
  const std::string column_name(column);
  sql::PreparedStatement& stmt =
      c.Prepare("UPDATE customers SET " + column_name + " = GREATEST(COALESCE(" + column_name +
                ", ?), ?) WHERE id = ?");
  const std::string time = FormatSqlDateTime(FromTimestamp(at));
  stmt.setDateTime(1, time);
  stmt.setDateTime(2, time);
  stmt.setInt64(3, customer_id);
  stmt.executeUpdate();
}

}  // namespace

void ApplySalesChange(MySqlConnection& c, const common::v1::Change& change) {
  if (sales::v1::ContactRecord record; change.state().UnpackTo(&record)) {
    if (Created(change)) MoveOn(c, "last_follow_up_at", record.customer_id(), record.create_time());
  } else if (sales::v1::Order order; change.state().UnpackTo(&order)) {
    if (Created(change)) MoveOn(c, "last_follow_up_at", order.customer_id(), order.create_time());
    if (Changed(change, "status") && order.status() == sales::v1::CONFIRMED) {
      MoveOn(c, "last_follow_up_at", order.customer_id(), order.update_time());
      MoveOn(c, "last_won_at", order.customer_id(), order.update_time());
    }
  } else if (sales::v1::Opportunity opportunity; change.state().UnpackTo(&opportunity)) {
    if (Created(change) || Changed(change, "stage_code")) {
      MoveOn(c, "last_follow_up_at", opportunity.customer_id(), opportunity.update_time());
    }
    if (Changed(change, "status") && opportunity.status() == sales::v1::WON) {
      MoveOn(c, "last_won_at", opportunity.customer_id(), opportunity.update_time());
    }
  }
}

}  // namespace crm::customer
