// ApplyOpportunityChange: the row, then its stage history moved on from the
// state the change carries (not from changed_fields, which bulk writes leave
// empty).
#include "services/reporting/opportunity_history.h"

#include <cppconn/prepared_statement.h>
#include <cppconn/resultset.h>

#include <memory>
#include <optional>
#include <string>

#include "common/base/dates.h"
#include "common/db/mysql_pool.h"
#include "common/db/record_helpers.h"
#include "common/db/sql_time.h"
#include "crm/common/v1/changes.pb.h"
#include "crm/sales/v1/opportunity.pb.h"
#include "services/reporting/read_model_owner.h"

namespace crm::reporting {
namespace {

namespace sv1 = sales::v1;

void UpsertStage(MySqlConnection& c, const sv1::PipelineStage& stage) {
  sql::PreparedStatement& stmt = c.Prepare(
      "INSERT INTO pipeline_stages (code, name, position, win_probability_percent)"
      " VALUES (?, ?, ?, ?) ON DUPLICATE KEY UPDATE name = VALUES(name),"
      " position = VALUES(position), win_probability_percent = VALUES(win_probability_percent)");
  stmt.setString(1, stage.code());
  stmt.setString(2, stage.name());
  stmt.setInt(3, stage.position());
  stmt.setInt(4, stage.win_probability_percent());
  stmt.executeUpdate();
}

void UpsertOpportunity(MySqlConnection& c, const sv1::Opportunity& o, const std::string& created,
                       const Owner& owner) {
  sql::PreparedStatement& stmt = c.Prepare(
      "INSERT INTO opportunities (id, customer_id, stage_code, status, amount_fen,"
      " win_probability_percent, created_date, campaign_id, owner_id, owner_department_id,"
      " owner_department_path) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON DUPLICATE KEY UPDATE"
      " customer_id = VALUES(customer_id), stage_code = VALUES(stage_code),"
      " status = VALUES(status), amount_fen = VALUES(amount_fen),"
      " win_probability_percent = VALUES(win_probability_percent),"
      " created_date = VALUES(created_date), campaign_id = VALUES(campaign_id),"
      " owner_id = VALUES(owner_id),"
      " owner_department_id = VALUES(owner_department_id),"
      " owner_department_path = VALUES(owner_department_path)");
  int i = 1;
  stmt.setInt64(i++, o.id());
  stmt.setInt64(i++, o.customer_id());
  stmt.setString(i++, o.stage_code());
  stmt.setInt(i++, o.status());
  stmt.setInt64(i++, o.amount().minor_units());
  stmt.setInt(i++, o.win_probability_percent());
  stmt.setString(i++, created);
  stmt.setInt64(i++, o.campaign_id());
  stmt.setInt64(i++, owner.employee_id);
  stmt.setInt64(i++, owner.department_id);
  stmt.setString(i++, owner.department_path);
  stmt.executeUpdate();
}

// The stage the opportunity is in according to its history (the open stay).
std::optional<std::string> OpenStay(MySqlConnection& c, int64_t id) {
  sql::PreparedStatement& stmt = c.Prepare(
      "SELECT stage_code FROM opportunity_stages WHERE opportunity_id = ? AND left_at IS NULL");
  stmt.setInt64(1, id);
  std::unique_ptr<sql::ResultSet> rs(stmt.executeQuery());
  if (!rs->next()) return std::nullopt;
  return rs->getString(1);
}

void EndStay(MySqlConnection& c, int64_t id, const std::string& at) {
  sql::PreparedStatement& stmt = c.Prepare(
      "UPDATE opportunity_stages SET left_at = ? WHERE opportunity_id = ? AND left_at IS NULL");
  stmt.setDateTime(1, at);
  stmt.setInt64(2, id);
  stmt.executeUpdate();
}

void BeginStay(MySqlConnection& c, int64_t id, int64_t sequence, const std::string& stage,
               const std::string& at) {
  sql::PreparedStatement& stmt = c.Prepare(
      "INSERT IGNORE INTO opportunity_stages (opportunity_id, entered_sequence, stage_code,"
      " entered_at) VALUES (?, ?, ?, ?)");
  stmt.setInt64(1, id);
  stmt.setInt64(2, sequence);
  stmt.setString(3, stage);
  stmt.setDateTime(4, at);
  stmt.executeUpdate();
}

}  // namespace

bool ApplyOpportunityChange(MySqlConnection& c, const common::v1::Change& change,
                            absl::TimeZone zone) {
  if (sv1::PipelineStage stage; change.state().UnpackTo(&stage)) {
    UpsertStage(c, stage);
    return true;
  }
  sv1::Opportunity o;
  if (!change.state().UnpackTo(&o)) return false;
  const Owner owner = OwnerOf(c, o.owner_employee_id());
  UpsertOpportunity(c, o, FormatIsoDate(absl::ToCivilDay(FromTimestamp(o.create_time()), zone)),
                    owner);
  const bool created = change.operation() == common::v1::CHANGE_OPERATION_CREATE;
  const std::string at =
      FormatSqlDateTime(FromTimestamp(created ? o.create_time() : o.update_time()));
  const std::optional<std::string> in = OpenStay(c, o.id());
  // A won opportunity's last stage counts as reached, so its stay ends but
  // stays on record; a lost one likewise.
  if (o.status() != sv1::OPEN) {
    if (in) {
      EndStay(c, o.id(), at);
    } else if (created) {
      BeginStay(c, o.id(), change.sequence(), o.stage_code(), at);
      EndStay(c, o.id(), at);
    }
    return true;
  }
  if (in && *in == o.stage_code()) return true;
  if (in) EndStay(c, o.id(), at);
  BeginStay(c, o.id(), change.sequence(), o.stage_code(), at);
  return true;
}

}  // namespace crm::reporting
