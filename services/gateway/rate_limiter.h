// Per-caller rate limits at the gateway: a token bucket per key (the verified
// subject, "user:42" or "service:3"; for anonymous and unauthenticated calls
// the client's address), so one client flooding the CRM is slowed down alone
// and never starves the others.
#pragma once

#include <chrono>
#include <cstddef>
#include <mutex>
#include <string>
#include <unordered_map>

namespace crm::gateway {

class RateLimiter {
 public:
  using Clock = std::chrono::steady_clock;

  // `per_second` calls a second on average, up to `burst` at once; a
  // per_second of 0 or less turns limiting off.
  RateLimiter(double per_second, double burst);

  // Takes one call for `key` at `now`: zero when it may go, otherwise how
  // long until it could (the retry advice).
  std::chrono::milliseconds Take(const std::string& key, Clock::time_point now);

  bool enabled() const { return per_second_ > 0; }

 private:
  struct Bucket {
    double tokens;
    Clock::time_point last;
  };
  // Forgets buckets that have refilled (idle callers), so the map stays
  // bounded by the callers active within one burst's refill time.
  void Prune(Clock::time_point now);

  const double per_second_;
  const double burst_;
  std::mutex mu_;
  std::unordered_map<std::string, Bucket> buckets_;
  size_t prune_at_ = 4096;
};

// "ipv4:10.0.0.7:51234" -> "10.0.0.7": a client address without its port.
std::string PeerHost(const std::string& peer);

}  // namespace crm::gateway
