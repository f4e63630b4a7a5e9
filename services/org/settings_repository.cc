// SettingsRepository: system_parameters.
#include "services/org/settings_repository.h"

#include <cppconn/prepared_statement.h>
#include <cppconn/resultset.h>

#include <memory>

#include "absl/strings/str_cat.h"
#include "common/base/status_util.h"
#include "common/db/database.h"
#include "common/db/record_helpers.h"
#include "common/db/sql_time.h"
#include "common/db/sql_where.h"
#include "common/feed/versioned_rows.h"
#include "services/org/create_or_update.h"

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

std::unique_ptr<ParameterRow> Load(MySqlConnection& c, const std::string& key) {
  sql::PreparedStatement& stmt =
      c.Prepare(absl::StrCat("SELECT ", kColumns, " FROM system_parameters WHERE param_key = ?"));
  stmt.setString(1, key);
  std::unique_ptr<sql::ResultSet> rs(stmt.executeQuery());
  if (!rs->next()) return nullptr;
  return std::make_unique<ParameterRow>(ReadParameter(*rs));
}

// By row id (the change rows' entity id), for the write paths.
std::unique_ptr<SystemParameter> LoadById(MySqlConnection& c, int64_t id, bool for_update) {
  sql::PreparedStatement& stmt =
      c.Prepare(absl::StrCat("SELECT ", kColumns, " FROM system_parameters WHERE id = ?",
                             for_update ? " FOR UPDATE" : ""));
  stmt.setInt64(1, id);
  std::unique_ptr<sql::ResultSet> rs(stmt.executeQuery());
  if (!rs->next()) return nullptr;
  return std::make_unique<SystemParameter>(ReadParameter(*rs).parameter);
}

const RecordTable<SystemParameter> kParameters{"system_parameters", "system parameter", &LoadById};

// The id of the key's row, locked; 0 for none. Without a row the lock covers
// the key's gap, so concurrent creates of one key serialise (one deadlocks
// and its retry updates).
int64_t LockKey(MySqlConnection& c, const std::string& key) {
  sql::PreparedStatement& stmt =
      c.Prepare("SELECT id FROM system_parameters WHERE param_key = ? FOR UPDATE");
  stmt.setString(1, key);
  std::unique_ptr<sql::ResultSet> rs(stmt.executeQuery());
  return rs->next() ? rs->getInt64(1) : 0;
}

absl::Status NotFound(const std::string& key) {
  return absl::NotFoundError(absl::StrCat("system parameter '", key, "' not found"));
}

}  // namespace

absl::StatusOr<SystemParameter> SettingsRepository::Get(const CallContext& call,
                                                        const std::string& key) {
  return db_.Run("system_parameter.get", call.deadline,
                 [&](MySqlConnection& c) -> absl::StatusOr<SystemParameter> {
                   std::unique_ptr<ParameterRow> row = Load(c, key);
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
    const std::function<absl::Status(const SystemParameter&)>& check,
    const std::string& request_id) {
  int64_t existing = 0;
  absl::StatusOr<SystemParameter> created = CreateOnce(
      db_, call, kParameters, request_id,
      [&](MySqlConnection& c, const std::string& request_key) -> absl::StatusOr<int64_t> {
        existing = LockKey(c, wanted.key());
        if (existing != 0) return ExistsAlready();
        if (!wanted.etag().empty()) {
          return absl::AbortedError(absl::StrCat("system parameter '", wanted.key(),
                                                 "' does not exist (etag mismatch); read it "
                                                 "again and retry"));
        }
        if (wanted.type() == v1::PARAMETER_TYPE_UNSPECIFIED) {
          return InvalidField("parameter.type", "is required to create a parameter");
        }
        CRM_RETURN_IF_ERROR(check(wanted));
        const std::string now = FormatSqlDateTime(call.Now());
        sql::PreparedStatement& insert = c.Prepare(
            "INSERT INTO system_parameters (param_key, param_type, value, description, version,"
            " create_request_id, created_at, updated_at) VALUES (?, ?, ?, ?, 1, ?, ?, ?)");
        insert.setString(1, wanted.key());
        insert.setInt(2, wanted.type());
        insert.setString(3, wanted.value());
        insert.setString(4, wanted.description());
        SetStringOrNull(insert, 5, request_key);
        insert.setDateTime(6, now);
        insert.setDateTime(7, now);
        insert.executeUpdate();
        return c.LastInsertId();
      });
  if (existing == 0) return created;
  auto edit = [&](MySqlConnection&, SystemParameter& stored) -> absl::Status {
    // Readers parse the text by the stored type; changing it under them
    // would break them, so a type is fixed once created.
    if (wanted.type() != v1::PARAMETER_TYPE_UNSPECIFIED && wanted.type() != stored.type()) {
      return absl::FailedPreconditionError(absl::StrCat(
          "system parameter '", wanted.key(), "' has type ", v1::ParameterType_Name(stored.type()),
          "; a parameter's type cannot change"));
    }
    stored.set_value(wanted.value());
    stored.set_description(wanted.description());
    return check(stored);
  };
  auto write = [&](MySqlConnection& c, const SystemParameter& p) {
    sql::PreparedStatement& update =
        c.Prepare("UPDATE system_parameters SET value = ?, description = ? WHERE id = ?");
    update.setString(1, p.value());
    update.setString(2, p.description());
    update.setInt64(3, existing);
    update.executeUpdate();
  };
  return UpdateVersioned(db_, call, kParameters, existing, wanted.etag(), edit, write);
}

}  // namespace crm::org
