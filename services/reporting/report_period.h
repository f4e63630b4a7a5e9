// A report's period and buckets: days of the company's zone, checked once.
#pragma once

#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"
#include "common/base/status_util.h"
#include "crm/reporting/v1/reports.pb.h"

namespace crm::reporting {

// An inclusive span of "YYYY-MM-DD" days, valid and in order.
struct DaySpan {
  std::string start;
  std::string end;
};

// `period` checked: both dates required, start ≤ end, at most ten years.
// INVALID_ARGUMENT naming `field`.start_date / .end_date.
absl::StatusOr<DaySpan> CheckPeriod(const v1::Period& period, absl::string_view field);

// CheckPeriod for a request that checks other fields too: every violation
// goes into `violations`; the span when the period was good.
std::optional<DaySpan> CheckPeriod(const v1::Period& period, absl::string_view field,
                                   FieldViolations& violations);

// A "YYYY-MM" month of the years 2000 to 2199, or nullopt.
std::optional<absl::CivilMonth> ParseMonth(absl::string_view text);

// An SQL expression of the bucket label (reports.proto) of the DATE column
// `column`, e.g. "2026-W53" for WEEK; INVALID_ARGUMENT for an unknown bucket.
absl::StatusOr<std::string> BucketSql(v1::Bucket bucket, absl::string_view column);

}  // namespace crm::reporting
