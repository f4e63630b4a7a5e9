// DATETIME text <-> time conversions.
#include "common/db/sql_time.h"

#include <google/protobuf/timestamp.pb.h>

#include "common/db/record_helpers.h"

namespace crm {

absl::StatusOr<absl::Time> ParseSqlDateTime(const std::string& text) {
  absl::Time time;
  std::string error;
  if (!absl::ParseTime("%Y-%m-%d %H:%M:%E*S", text, absl::UTCTimeZone(), &time, &error)) {
    return absl::InvalidArgumentError("bad DATETIME '" + text + "': " + error);
  }
  return time;
}

std::string FormatSqlDateTime(absl::Time time) {
  return absl::FormatTime("%Y-%m-%d %H:%M:%E6S", time, absl::UTCTimeZone());
}

void SqlDateTimeToTimestamp(const std::string& text, google::protobuf::Timestamp* out) {
  absl::StatusOr<absl::Time> time = ParseSqlDateTime(text);
  SetTimestamp(time.ok() ? *time : absl::UnixEpoch(), out);
}

}  // namespace crm
