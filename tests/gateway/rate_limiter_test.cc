// Token buckets per caller: a burst goes through, then one call per 1/rate
// seconds, with the wait as advice; callers never share a bucket.
#include "services/gateway/rate_limiter.h"

#include <gtest/gtest.h>

namespace crm::gateway {
namespace {

using std::chrono::milliseconds;

TEST(RateLimiterTest, ABurstThenTheRateWithAdviceAndEachCallerAlone) {
  RateLimiter limiter(/*per_second=*/10, /*burst=*/3);
  const auto start = RateLimiter::Clock::time_point() + std::chrono::hours(1);
  for (int i = 0; i < 3; ++i) EXPECT_EQ(limiter.Take("user:1", start), milliseconds(0)) << i;
  EXPECT_EQ(limiter.Take("user:1", start), milliseconds(100));  // one token per 100 ms
  EXPECT_EQ(limiter.Take("user:2", start), milliseconds(0));    // another caller is unaffected
  EXPECT_EQ(limiter.Take("user:1", start + milliseconds(60)), milliseconds(40));
  EXPECT_EQ(limiter.Take("user:1", start + milliseconds(100)), milliseconds(0));
  // Idle long enough, the bucket is full again, never fuller.
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(limiter.Take("user:1", start + std::chrono::seconds(60)), milliseconds(0)) << i;
  }
  EXPECT_GT(limiter.Take("user:1", start + std::chrono::seconds(60)), milliseconds(0));
}

TEST(RateLimiterTest, OffTakesNothingAndManyIdleCallersAreForgotten) {
  RateLimiter off(0, 10);
  const auto now = RateLimiter::Clock::time_point() + std::chrono::hours(1);
  for (int i = 0; i < 100; ++i) EXPECT_EQ(off.Take("user:1", now), milliseconds(0));
  RateLimiter limiter(1000, 1);
  for (int i = 0; i < 20000; ++i) limiter.Take("peer:" + std::to_string(i), now);
  // Still exact for a caller after pruning passes.
  EXPECT_EQ(limiter.Take("peer:x", now + std::chrono::seconds(1)), milliseconds(0));
  EXPECT_EQ(limiter.Take("peer:x", now + std::chrono::seconds(1)), milliseconds(1));
}

TEST(RateLimiterTest, PeerHostDropsThePort) {
  EXPECT_EQ(PeerHost("ipv4:10.0.0.7:51234"), "10.0.0.7");
  EXPECT_EQ(PeerHost("ipv6:[::1]:51234"), "::1");
  EXPECT_EQ(PeerHost("unix:/tmp/x.sock"), "/tmp/x.sock");
}

}  // namespace
}  // namespace crm::gateway
