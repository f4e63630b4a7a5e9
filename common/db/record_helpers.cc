// Record helpers.
#include "common/db/record_helpers.h"

#include <cppconn/prepared_statement.h>
#include <cppconn/resultset.h>
#include <google/protobuf/timestamp.pb.h>

#include <memory>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "common/base/status_util.h"
#include "common/db/mysql_pool.h"
#include "common/db/sql_time.h"

namespace crm {

std::string EtagOf(int64_t version) { return absl::StrCat(version); }

absl::Status CheckEtag(absl::string_view given, int64_t version, absl::string_view what) {
  if (given.empty() || given == EtagOf(version)) return absl::OkStatus();
  return WithErrorInfo(
      absl::AbortedError(absl::StrCat("the ", what,
                                      " changed since it was read (etag mismatch); read it "
                                      "again and retry")),
      "STALE_ETAG", {{"current_etag", EtagOf(version)}});
}

absl::Status RequireEtag(absl::string_view etag, absl::string_view field) {
  if (!etag.empty()) return absl::OkStatus();
  return InvalidField(std::string(field),
                      "is required: send the etag of the record as last read, so that a change "
                      "made since is not overwritten unseen");
}

void SetTimestamp(absl::Time time, google::protobuf::Timestamp* out) {
  const int64_t micros = absl::ToUnixMicros(time);
  int64_t seconds = micros / 1000000;
  int64_t rest = micros % 1000000;
  if (rest < 0) {
    rest += 1000000;
    --seconds;
  }
  out->set_seconds(seconds);
  out->set_nanos(static_cast<int32_t>(rest * 1000));
}

absl::Time FromTimestamp(const google::protobuf::Timestamp& timestamp) {
  return absl::FromUnixSeconds(timestamp.seconds()) + absl::Nanoseconds(timestamp.nanos());
}

std::string CallerRequestKey(const CallContext& call, const std::string& request_id) {
  return request_id.empty() ? "" : absl::StrCat(call.actor, "|", request_id);
}

void TouchVersion(MySqlConnection& c, const char* table, int64_t id, absl::Time now) {
  sql::PreparedStatement& stmt = c.Prepare(
      absl::StrCat("UPDATE ", table, " SET version = version + 1, updated_at = ? WHERE id = ?"));
  stmt.setDateTime(1, FormatSqlDateTime(now));
  stmt.setInt64(2, id);
  stmt.executeUpdate();
}

int64_t VersionOfEtag(const std::string& etag) {
  int64_t version = 0;
  return absl::SimpleAtoi(etag, &version) ? version : 0;
}

int64_t FindByRequestKey(MySqlConnection& c, const char* table, const std::string& key) {
  if (key.empty()) return 0;
  sql::PreparedStatement& stmt =
      c.Prepare(absl::StrCat("SELECT id FROM ", table, " WHERE create_request_id = ?"));
  stmt.setString(1, key);
  std::unique_ptr<sql::ResultSet> rs(stmt.executeQuery());
  return rs->next() ? rs->getInt64(1) : 0;
}

}  // namespace crm
