// Periods and bucket labels.
#include "services/reporting/report_period.h"

#include "absl/strings/str_cat.h"
#include "common/base/dates.h"
#include "common/base/status_util.h"

namespace crm::reporting {

absl::StatusOr<DaySpan> CheckPeriod(const v1::Period& period, absl::string_view field) {
  FieldViolations violations;
  const absl::StatusOr<absl::CivilDay> start = ParseIsoDate(period.start_date());
  const absl::StatusOr<absl::CivilDay> end = ParseIsoDate(period.end_date());
  if (!start.ok()) violations.Add(absl::StrCat(field, ".start_date"), "must be a YYYY-MM-DD day");
  if (!end.ok()) violations.Add(absl::StrCat(field, ".end_date"), "must be a YYYY-MM-DD day");
  if (start.ok() && end.ok()) {
    if (*end < *start) {
      violations.Add(absl::StrCat(field, ".end_date"), "must not be before start_date");
    } else if (*end - *start > 3653) {
      violations.Add(absl::StrCat(field, ".end_date"), "the period is at most ten years");
    }
  }
  if (!violations.empty()) return violations.ToStatus();
  return DaySpan{FormatIsoDate(*start), FormatIsoDate(*end)};
}

std::optional<DaySpan> CheckPeriod(const v1::Period& period, absl::string_view field,
                                   FieldViolations& violations) {
  absl::StatusOr<DaySpan> span = CheckPeriod(period, field);
  if (span.ok()) return *span;
  for (const auto& [name, description] : FieldViolationsOf(span.status())) {
    violations.Add(name, description);
  }
  return std::nullopt;
}

std::optional<absl::CivilMonth> ParseMonth(absl::string_view text) {
  absl::CivilMonth month;
  if (text.size() != 7 || text[4] != '-' || !absl::ParseCivilTime(text, &month) ||
      month.year() < 2000 || month.year() > 2199) {
    return std::nullopt;
  }
  return month;
}

absl::StatusOr<std::string> BucketSql(v1::Bucket bucket, absl::string_view column) {
  switch (bucket) {
    case v1::DAY:
      return absl::StrCat("DATE_FORMAT(", column, ", '%Y-%m-%d')");
    case v1::WEEK:  // %x-%v: the ISO week-numbering year and week
      return absl::StrCat("DATE_FORMAT(", column, ", '%x-W%v')");
    case v1::BUCKET_UNSPECIFIED:
    case v1::MONTH:
      return absl::StrCat("DATE_FORMAT(", column, ", '%Y-%m')");
    case v1::QUARTER:
      return absl::StrCat("CONCAT(YEAR(", column, "), '-Q', QUARTER(", column, "))");
    case v1::YEAR:
      return absl::StrCat("DATE_FORMAT(", column, ", '%Y')");
    default:
      return InvalidField("bucket", "is not a known bucket");
  }
}

}  // namespace crm::reporting
