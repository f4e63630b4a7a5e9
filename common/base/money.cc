// Money helpers.
#include "common/base/money.h"

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"

namespace crm {

int64_t DivideRoundingHalfUp(__int128 numerator, __int128 denominator) {
  return static_cast<int64_t>((2 * numerator + denominator) / (2 * denominator));
}

int32_t ShareBasisPoints(int64_t part, int64_t whole) {
  if (whole <= 0 || part <= 0) return 0;
  return static_cast<int32_t>(
      DivideRoundingHalfUp(static_cast<__int128>(part) * kBasisPoints, whole));
}

absl::StatusOr<int64_t> SumToFen(const std::string& sum, absl::string_view what) {
  int64_t fen = 0;
  if (!absl::SimpleAtoi(sum, &fen)) {
    return absl::OutOfRangeError(
        absl::StrCat("the ", what, " (", sum, " fen) is too large to add up"));
  }
  return fen;
}

}  // namespace crm
