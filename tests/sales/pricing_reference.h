// An independent reference for the order money rule (order.proto): exact
// fractions, rounded only where the rule says, with the order discount
// spread by comparing exact remainders. Written apart from
// services/sales/order_pricing.cc so the tests compare two computations.
#pragma once

#include <algorithm>
#include <cstdint>
#include <numeric>
#include <vector>

namespace crm::sales::testing {

// A non-negative fraction n / d, d > 0.
struct Fraction {
  __int128 n = 0;
  __int128 d = 1;
};

inline __int128 Gcd(__int128 a, __int128 b) {
  while (b != 0) {
    const __int128 t = a % b;
    a = b;
    b = t;
  }
  return a == 0 ? 1 : a;
}

inline Fraction Make(__int128 n, __int128 d) {
  const __int128 g = Gcd(n, d);
  return {n / g, d / g};
}

// The nearest integer, halves up: floor(n/d + 1/2).
inline int64_t RoundHalfUp(const Fraction& f) {
  const __int128 whole = f.n / f.d;
  const __int128 rest = f.n % f.d;
  return static_cast<int64_t>(2 * rest >= f.d ? whole + 1 : whole);
}

struct ReferenceLine {
  int64_t unit_price_fen, quantity_milli;
  int32_t discount_bp, vat_rate_percent;
};

struct ReferencePrice {
  std::vector<int64_t> before, share, amount, tax;
  int64_t total = 0, total_tax = 0;
};

inline ReferencePrice ReferencePriceOrder(const std::vector<ReferenceLine>& lines,
                                          int32_t order_discount_bp) {
  ReferencePrice p;
  int64_t gross = 0;
  for (const ReferenceLine& l : lines) {
    // price × (quantity / 1000) × (1 − discount / 10000)
    const Fraction exact =
        Make(static_cast<__int128>(l.unit_price_fen) * l.quantity_milli * (10000 - l.discount_bp),
             static_cast<__int128>(1000) * 10000);
    p.before.push_back(RoundHalfUp(exact));
    gross += p.before.back();
  }
  p.total = RoundHalfUp(Make(static_cast<__int128>(gross) * (10000 - order_discount_bp), 10000));
  const int64_t discount = gross - p.total;
  // Exact shares before * discount / gross; floors, then the largest
  // fractional parts (earlier line on a tie) get one fen each.
  std::vector<Fraction> exact_shares;
  int64_t floors = 0;
  for (int64_t before : p.before) {
    const Fraction share =
        gross == 0 ? Fraction{} : Make(static_cast<__int128>(before) * discount, gross);
    exact_shares.push_back(share);
    p.share.push_back(static_cast<int64_t>(share.n / share.d));
    floors += p.share.back();
  }
  std::vector<size_t> order(lines.size());
  std::iota(order.begin(), order.end(), 0);
  auto fractional = [&](size_t i) {
    const Fraction& s = exact_shares[i];
    return Fraction{s.n % s.d, s.d};
  };
  std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) {
    const Fraction fa = fractional(a), fb = fractional(b);
    return fa.n * fb.d > fb.n * fa.d;
  });
  for (int64_t k = 0; k < discount - floors; ++k) ++p.share[order[k]];
  for (size_t i = 0; i < lines.size(); ++i) {
    p.amount.push_back(p.before[i] - p.share[i]);
    const int32_t rate = lines[i].vat_rate_percent;
    // amount × (rate/100) / (1 + rate/100)
    p.tax.push_back(RoundHalfUp(Make(static_cast<__int128>(p.amount[i]) * rate, 100 + rate)));
    p.total_tax += p.tax.back();
  }
  return p;
}

}  // namespace crm::sales::testing
