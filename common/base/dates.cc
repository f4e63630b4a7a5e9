// Date parsing and formatting.
#include "common/base/dates.h"

#include "absl/strings/str_format.h"

namespace crm {

absl::StatusOr<absl::CivilDay> ParseIsoDate(absl::string_view text) {
  absl::CivilDay day;
  if (text.size() != 10 || !absl::ParseCivilTime(text, &day) || FormatIsoDate(day) != text) {
    return absl::InvalidArgumentError("must be a date as YYYY-MM-DD");
  }
  return day;
}

std::string FormatIsoDate(absl::CivilDay day) {
  return absl::StrFormat("%04d-%02d-%02d", day.year(), day.month(), day.day());
}

absl::StatusOr<absl::TimeZone> LoadZone(const std::string& name) {
  absl::TimeZone zone;
  if (!absl::LoadTimeZone(name, &zone)) {
    return absl::InvalidArgumentError("unknown time zone '" + name + "'");
  }
  return zone;
}

}  // namespace crm
