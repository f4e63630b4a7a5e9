// DATETIME(6) columns hold UTC (every session runs with time_zone '+00:00').
#pragma once

#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"

namespace google::protobuf {
class Timestamp;
}

namespace crm {

// "2026-11-22 23:11:22.123456" (fraction optional) -> absl::Time.
absl::StatusOr<absl::Time> ParseSqlDateTime(const std::string& text);
std::string FormatSqlDateTime(absl::Time time);

// Convenience for result columns: an unparsable value yields the epoch.
void SqlDateTimeToTimestamp(const std::string& text, google::protobuf::Timestamp* out);

}  // namespace crm
