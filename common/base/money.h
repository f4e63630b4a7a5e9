// Money as the services carry it: int64 fen (crm.common.v1.Money on the wire,
// BIGINT in the tables), never floating point, with one rounding rule.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "crm/common/v1/money.pb.h"

namespace crm {

inline constexpr int32_t kBasisPoints = 10000;  // 100%

inline common::v1::Money Fen(int64_t fen) {
  common::v1::Money money;
  money.set_minor_units(fen);
  money.set_currency_code("CNY");
  return money;
}

// numerator / denominator rounded half up, toward +∞ for either sign
// (2.5 → 3, −2.5 → −2, −2.6 → −3); denominator > 0.
int64_t DivideRoundingHalfUp(__int128 numerator, __int128 denominator);

// `part` of `whole` in basis points, rounded half up; 0 when whole is 0.
int32_t ShareBasisPoints(int64_t part, int64_t whole);

// A SUM of fen columns read as text (SQL sums BIGINTs into a DECIMAL that
// can pass int64): the fen, or OUT_OF_RANGE naming `what` when it does.
absl::StatusOr<int64_t> SumToFen(const std::string& sum, absl::string_view what);

// `amount` (≥ 0) shared in proportion to `weights` (each ≥ 0): each share
// the floor of its exact part, then one fen more to the largest remainders
// (ties: the earlier) until the shares add up to `amount` exactly. All zero
// weights share nothing (every share 0).
std::vector<int64_t> ShareByLargestRemainder(int64_t amount, const std::vector<int64_t>& weights);

// "12,345.67 元", for messages people read.
std::string Yuan(int64_t fen);

}  // namespace crm
