// Money helpers.
#include "common/base/money.h"

#include <algorithm>
#include <numeric>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"

namespace crm {

int64_t DivideRoundingHalfUp(__int128 numerator, __int128 denominator) {
  // floor((n + d/2) / d), in integers: C++ division truncates toward zero,
  // which for a negative quotient is one too high.
  const __int128 top = 2 * numerator + denominator, bottom = 2 * denominator;
  __int128 quotient = top / bottom;
  if (top % bottom != 0 && top < 0) --quotient;
  return static_cast<int64_t>(quotient);
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

std::vector<int64_t> ShareByLargestRemainder(int64_t amount, const std::vector<int64_t>& weights) {
  std::vector<int64_t> shares(weights.size(), 0);
  __int128 whole = 0;
  for (int64_t w : weights) whole += w;
  if (whole <= 0) return shares;
  std::vector<__int128> remainders(weights.size(), 0);
  int64_t given = 0;
  for (size_t i = 0; i < weights.size(); ++i) {
    const __int128 exact = static_cast<__int128>(weights[i]) * amount;
    shares[i] = static_cast<int64_t>(exact / whole);
    remainders[i] = exact % whole;
    given += shares[i];
  }
  std::vector<size_t> by_remainder(weights.size());
  std::iota(by_remainder.begin(), by_remainder.end(), 0);
  std::stable_sort(by_remainder.begin(), by_remainder.end(),
                   [&](size_t a, size_t b) { return remainders[a] > remainders[b]; });
  for (size_t k = 0; given < amount; ++k) {
    ++shares[by_remainder[k]];
    ++given;
  }
  return shares;
}

std::string Yuan(int64_t fen) {
  const bool negative = fen < 0;
  // Unsigned, so the most negative int64 has a magnitude too.
  const uint64_t magnitude =
      negative ? ~static_cast<uint64_t>(fen) + 1 : static_cast<uint64_t>(fen);
  std::string whole = absl::StrCat(magnitude / 100);
  for (int at = static_cast<int>(whole.size()) - 3; at > 0; at -= 3) whole.insert(at, ",");
  const uint64_t cents = magnitude % 100;
  return absl::StrCat(negative ? "-" : "", whole, ".", cents < 10 ? "0" : "", cents, " 元");
}

}  // namespace crm
