// Decimal parsing and formatting.
#include "common/text/decimal_text.h"

#include <limits>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"

namespace crm {

std::optional<int64_t> ParseDecimal(absl::string_view text, int scale) {
  bool negative = false;
  if (!text.empty() && text[0] == '-') {
    negative = true;
    text.remove_prefix(1);
  }
  if (text.empty()) return std::nullopt;
  const size_t dot = text.find('.');
  absl::string_view whole = text.substr(0, dot);
  absl::string_view fraction = dot == absl::string_view::npos ? "" : text.substr(dot + 1);
  if (whole.empty() || static_cast<int>(fraction.size()) > scale ||
      (dot != absl::string_view::npos && fraction.empty())) {
    return std::nullopt;
  }
  constexpr int64_t kMax = std::numeric_limits<int64_t>::max();
  int64_t value = 0;
  auto push = [&](char c) {
    if (!absl::ascii_isdigit(c) || value > (kMax - (c - '0')) / 10) return false;
    value = value * 10 + (c - '0');
    return true;
  };
  for (char c : whole) {
    if (!push(c)) return std::nullopt;
  }
  for (int i = 0; i < scale; ++i) {
    if (!push(i < static_cast<int>(fraction.size()) ? fraction[i] : '0')) return std::nullopt;
  }
  return negative ? -value : value;
}

std::string FormatDecimal(int64_t minor, int scale) {
  const bool negative = minor < 0;
  uint64_t magnitude = negative ? 0 - static_cast<uint64_t>(minor) : static_cast<uint64_t>(minor);
  uint64_t unit = 1;
  for (int i = 0; i < scale; ++i) unit *= 10;
  std::string fraction = absl::StrCat(magnitude % unit + unit).substr(1);  // zero-padded
  while (!fraction.empty() && fraction.back() == '0') fraction.pop_back();
  return absl::StrCat(negative ? "-" : "", magnitude / unit, fraction.empty() ? "" : ".", fraction);
}

}  // namespace crm
