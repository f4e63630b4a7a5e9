// PositionRepository: prepared statements over positions.
#include "services/org/position_repository.h"

#include <cppconn/prepared_statement.h>
#include <cppconn/resultset.h>

#include <memory>

#include "absl/strings/str_cat.h"
#include "common/base/status_util.h"
#include "common/db/database.h"
#include "common/db/record_helpers.h"
#include "common/db/sql_time.h"
#include "common/db/sql_where.h"
#include "common/feed/change_log.h"
#include "common/feed/versioned_rows.h"

namespace crm::org {
namespace {

using v1::Position;

constexpr char kPositionColumns[] = "id, name, description, version, created_at, updated_at";

Position ReadPosition(sql::ResultSet& rs) {
  Position p;
  p.set_id(rs.getInt64(1));
  p.set_name(rs.getString(2));
  p.set_description(rs.getString(3));
  p.set_etag(EtagOf(rs.getInt64(4)));
  SqlDateTimeToTimestamp(rs.getString(5), p.mutable_create_time());
  SqlDateTimeToTimestamp(rs.getString(6), p.mutable_update_time());
  return p;
}

const RecordTable<Position> kPositions{"positions", "position", &LoadPosition};

}  // namespace

std::unique_ptr<Position> LoadPosition(MySqlConnection& c, int64_t id, bool for_update) {
  sql::PreparedStatement& stmt = c.Prepare(absl::StrCat(
      "SELECT ", kPositionColumns, " FROM positions WHERE id = ? AND deleted_at IS NULL",
      for_update ? " FOR UPDATE" : ""));
  stmt.setInt64(1, id);
  std::unique_ptr<sql::ResultSet> rs(stmt.executeQuery());
  if (!rs->next()) return nullptr;
  return std::make_unique<Position>(ReadPosition(*rs));
}

absl::StatusOr<Position> PositionRepository::Create(const CallContext& call,
                                                    const Position& position,
                                                    const std::string& request_id) {
  return CreateOnce(
      db_, call, kPositions, request_id,
      [&](MySqlConnection& c, const std::string& request_key) -> absl::StatusOr<int64_t> {
        const std::string now = FormatSqlDateTime(call.Now());
        sql::PreparedStatement& insert = c.Prepare(
            "INSERT INTO positions (name, description, version, create_request_id, created_at,"
            " updated_at) VALUES (?, ?, 1, ?, ?, ?)");
        insert.setString(1, position.name());
        insert.setString(2, position.description());
        SetStringOrNull(insert, 3, request_key);
        insert.setDateTime(4, now);
        insert.setDateTime(5, now);
        insert.executeUpdate();
        return c.LastInsertId();
      });
}

absl::StatusOr<Position> PositionRepository::Update(
    const CallContext& call, int64_t id, const std::string& etag,
    const std::function<absl::Status(Position&)>& change) {
  auto edit = [&](MySqlConnection&, Position& p) { return change(p); };
  auto write = [&](MySqlConnection& c, const Position& p) {
    sql::PreparedStatement& update =
        c.Prepare("UPDATE positions SET name = ?, description = ? WHERE id = ?");
    update.setString(1, p.name());
    update.setString(2, p.description());
    update.setInt64(3, id);
    update.executeUpdate();
  };
  return UpdateVersioned(db_, call, kPositions, id, etag, edit, write);
}

// Not UpdateVersioned: a deleted position no longer loads, and its change
// row carries the position as it was.
absl::Status PositionRepository::Delete(const CallContext& call, int64_t id,
                                        const std::string& etag) {
  return db_.RunInTransaction("position.delete", call.deadline, [&](MySqlConnection& c) {
    std::unique_ptr<Position> p = LoadPosition(c, id, /*for_update=*/true);
    if (!p) return kPositions.NotFound(id);
    CRM_RETURN_IF_ERROR(CheckEtag(etag, VersionOfEtag(p->etag()), kPositions.entity));
    sql::PreparedStatement& held =
        c.Prepare("SELECT 1 FROM employees WHERE position_id = ? AND status = 1");
    held.setInt64(1, id);
    if (std::unique_ptr<sql::ResultSet>(held.executeQuery())->next()) {
      return absl::FailedPreconditionError("active employees hold this position");
    }
    sql::PreparedStatement& update =
        c.Prepare("UPDATE positions SET deleted_at = ?, version = version + 1 WHERE id = ?");
    update.setDateTime(1, FormatSqlDateTime(call.Now()));
    update.setInt64(2, id);
    update.executeUpdate();
    AppendChange(c, call, ChangeOp::kDelete, id, *p);
    return absl::OkStatus();
  });
}

absl::StatusOr<std::vector<Position>> PositionRepository::List(const CallContext& call) {
  return db_.Run(
      "position.list", call.deadline,
      [&](MySqlConnection& c) -> absl::StatusOr<std::vector<Position>> {
        sql::PreparedStatement& stmt = c.Prepare(absl::StrCat(
            "SELECT ", kPositionColumns, " FROM positions WHERE deleted_at IS NULL ORDER BY id"));
        std::unique_ptr<sql::ResultSet> rs(stmt.executeQuery());
        std::vector<Position> positions;
        while (rs->next()) positions.push_back(ReadPosition(*rs));
        return positions;
      });
}

}  // namespace crm::org
