// Calendar dates as "YYYY-MM-DD" text, in the company's time zone.
#pragma once

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"

namespace crm {

// Parses a strict "YYYY-MM-DD" date.
absl::StatusOr<absl::CivilDay> ParseIsoDate(absl::string_view text);
std::string FormatIsoDate(absl::CivilDay day);

// The zone named by `name` (e.g. "Asia/Shanghai"), or an error.
absl::StatusOr<absl::TimeZone> LoadZone(const std::string& name);

}  // namespace crm
