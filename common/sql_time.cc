// DATETIME text <-> time conversions.
#include "common/sql_time.h"

#include <google/protobuf/timestamp.pb.h>

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
  absl::Time value = time.ok() ? *time : absl::UnixEpoch();
  const int64_t micros = absl::ToUnixMicros(value);
  int64_t seconds = micros / 1000000;
  int64_t rest = micros % 1000000;
  if (rest < 0) {
    rest += 1000000;
    --seconds;
  }
  out->set_seconds(seconds);
  out->set_nanos(static_cast<int32_t>(rest * 1000));
}

}  // namespace crm
