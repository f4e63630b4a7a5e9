// Decimal text <-> integer minor units, exactly (money is never a float):
// "1234.5" with scale 2 is 123450.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "absl/strings/string_view.h"

namespace crm {

// Digits with an optional leading '-' and at most `scale` decimals; nullopt
// for anything else or for a value out of int64 range.
std::optional<int64_t> ParseDecimal(absl::string_view text, int scale);

// The shortest text that ParseDecimal reads back as `minor` ("1234.5", "12").
std::string FormatDecimal(int64_t minor, int scale);

}  // namespace crm
