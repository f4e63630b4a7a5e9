// SettingsRepository: system_parameters.
#include "services/org/settings_repository.h"

#include <cppconn/prepared_statement.h>
#include <cppconn/resultset.h>

#include <memory>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "common/base/status_util.h"
#include "common/db/database.h"
#include "common/db/record_helpers.h"
#include "common/db/sql_time.h"
#include "common/feed/change_log.h"

namespace crm::org {
namespace {

using v1::SystemParameter;

constexpr char kColumns[] = "id, param_key, param_type, value, description, version, updated_at";

// A parameter and its row id (the change rows' entity id, not in the proto).
struct ParameterRow {
  int64_t id = 0;
  SystemParameter parameter;
};

ParameterRow ReadParameter(sql::ResultSet& rs) {
  ParameterRow row;
  row.id = rs.getInt64(1);
  SystemParameter& p = row.parameter;
  p.set_key(rs.getString(2));
  p.set_type(static_cast<v1::ParameterType>(rs.getInt(3)));
  p.set_value(rs.getString(4));
  p.set_description(rs.getString(5));
  p.set_etag(EtagOf(rs.getInt64(6)));
  SqlDateTimeToTimestamp(rs.getString(7), p.mutable_update_time());
  return row;
}

std::unique_ptr<ParameterRow> Load(MySqlConnection& c, const std::string& key, bool for_update) {
  sql::PreparedStatement& stmt =
      c.Prepare(absl::StrCat("SELECT ", kColumns, " FROM system_parameters WHERE param_key = ?",
                             for_update ? " FOR UPDATE" : ""));
  stmt.setString(1, key);
  std::unique_ptr<sql::ResultSet> rs(stmt.executeQuery());
  if (!rs->next()) return nullptr;
  return std::make_unique<ParameterRow>(ReadParameter(*rs));
}

absl::Status NotFound(const std::string& key) {
  return absl::NotFoundError(absl::StrCat("system parameter '", key, "' not found"));
}

}  // namespace

absl::StatusOr<SystemParameter> SettingsRepository::Get(const CallContext& call,
                                                        const std::string& key) {
  return db_.Run("system_parameter.get", call.deadline,
                 [&](MySqlConnection& c) -> absl::StatusOr<SystemParameter> {
                   std::unique_ptr<ParameterRow> row = Load(c, key, false);
                   if (!row) return NotFound(key);
                   return row->parameter;
                 });
}

absl::StatusOr<std::vector<SystemParameter>> SettingsRepository::List(const CallContext& call) {
  return db_.Run("system_parameter.list", call.deadline,
                 [&](MySqlConnection& c) -> absl::StatusOr<std::vector<SystemParameter>> {
                   sql::PreparedStatement& stmt = c.Prepare(absl::StrCat(
                       "SELECT ", kColumns, " FROM system_parameters ORDER BY param_key"));
                   std::unique_ptr<sql::ResultSet> rs(stmt.executeQuery());
                   std::vector<SystemParameter> parameters;
                   while (rs->next()) parameters.push_back(ReadParameter(*rs).parameter);
                   return parameters;
                 });
}

absl::StatusOr<SystemParameter> SettingsRepository::Set(
    const CallContext& call, const SystemParameter& wanted,
    const std::function<absl::Status(const SystemParameter&)>& check) {
  return db_.RunInTransaction(
      "system_parameter.set", call.deadline,
      [&](MySqlConnection& c) -> absl::StatusOr<SystemParameter> {
        const std::string now = FormatSqlDateTime(absl::Now());
        // Locks the key's gap when there is no row, so concurrent creates of
        // one key serialise (one deadlocks and its retry updates).
        std::unique_ptr<ParameterRow> row = Load(c, wanted.key(), /*for_update=*/true);
        if (!row) {
          if (!wanted.etag().empty()) {
            return absl::AbortedError(absl::StrCat("system parameter '", wanted.key(),
                                                   "' does not exist (etag mismatch); read it "
                                                   "again and retry"));
          }
          if (wanted.type() == v1::PARAMETER_TYPE_UNSPECIFIED) {
            return InvalidField("parameter.type", "is required to create a parameter");
          }
          CRM_RETURN_IF_ERROR(check(wanted));
          sql::PreparedStatement& insert = c.Prepare(
              "INSERT INTO system_parameters (param_key, param_type, value, description, version,"
              " created_at, updated_at) VALUES (?, ?, ?, ?, 1, ?, ?)");
          insert.setString(1, wanted.key());
          insert.setInt(2, wanted.type());
          insert.setString(3, wanted.value());
          insert.setString(4, wanted.description());
          insert.setDateTime(5, now);
          insert.setDateTime(6, now);
          insert.executeUpdate();
          ParameterRow created = *Load(c, wanted.key(), false);
          AppendChange(c, call, ChangeOp::kCreate, created.id, created.parameter);
          return created.parameter;
        }
        CRM_RETURN_IF_ERROR(
            CheckEtag(wanted.etag(), std::stoll(row->parameter.etag()), "system parameter"));
        // Readers parse the text by the stored type; changing it under them
        // would break them, so a type is fixed once created.
        if (wanted.type() != v1::PARAMETER_TYPE_UNSPECIFIED &&
            wanted.type() != row->parameter.type()) {
          return absl::FailedPreconditionError(absl::StrCat(
              "system parameter '", wanted.key(), "' has type ",
              v1::ParameterType_Name(row->parameter.type()), "; a parameter's type cannot change"));
        }
        SystemParameter next = row->parameter;
        next.set_value(wanted.value());
        next.set_description(wanted.description());
        CRM_RETURN_IF_ERROR(check(next));
        sql::PreparedStatement& update = c.Prepare(
            "UPDATE system_parameters SET value = ?, description = ?, version = version + 1,"
            " updated_at = ? WHERE id = ?");
        update.setString(1, next.value());
        update.setString(2, next.description());
        update.setDateTime(3, now);
        update.setInt64(4, row->id);
        update.executeUpdate();
        ParameterRow updated = *Load(c, wanted.key(), false);
        AppendChange(c, call, ChangeOp::kUpdate, updated.id, updated.parameter);
        return updated.parameter;
      });
}

}  // namespace crm::org
