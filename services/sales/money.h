// Price checks of sales documents (the money helpers are common/base/money.h).
#pragma once

#include <cstdint>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "common/base/money.h"  // Fen, SumToFen
#include "common/base/status_util.h"
#include "crm/common/v1/money.pb.h"

namespace crm::sales {

// Adds to `violations` (naming `field`.currency_code or .minor_units) unless
// `money` is CNY (or unset) and between 0 and `max_fen`.
void CheckPrice(FieldViolations& violations, absl::string_view field,
                const common::v1::Money& money, int64_t max_fen);

}  // namespace crm::sales
