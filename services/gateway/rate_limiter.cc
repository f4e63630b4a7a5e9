// RateLimiter.
#include "services/gateway/rate_limiter.h"

#include <algorithm>
#include <cmath>

namespace crm::gateway {

RateLimiter::RateLimiter(double per_second, double burst)
    : per_second_(per_second), burst_(std::max(1.0, burst)) {}

std::chrono::milliseconds RateLimiter::Take(const std::string& key, Clock::time_point now) {
  if (!enabled()) return std::chrono::milliseconds(0);
  std::lock_guard<std::mutex> lock(mu_);
  if (buckets_.size() >= prune_at_) Prune(now);
  auto [it, added] = buckets_.try_emplace(key, Bucket{burst_, now});
  Bucket& bucket = it->second;
  if (!added && now > bucket.last) {
    const double elapsed = std::chrono::duration<double>(now - bucket.last).count();
    bucket.tokens = std::min(burst_, bucket.tokens + elapsed * per_second_);
    bucket.last = now;
  }
  if (bucket.tokens >= 1) {
    bucket.tokens -= 1;
    return std::chrono::milliseconds(0);
  }
  const double wait_s = (1 - bucket.tokens) / per_second_;
  return std::chrono::milliseconds(static_cast<int64_t>(std::ceil(wait_s * 1000)));
}

void RateLimiter::Prune(Clock::time_point now) {
  const auto refill = std::chrono::duration<double>(burst_ / per_second_);
  for (auto it = buckets_.begin(); it != buckets_.end();) {
    if (now - it->second.last >= refill) {
      it = buckets_.erase(it);
    } else {
      ++it;
    }
  }
  // Still many active callers: prune again only after as many more.
  prune_at_ = std::max<size_t>(4096, buckets_.size() * 2);
}

std::string PeerHost(const std::string& peer) {
  // ipv4:1.2.3.4:5  ipv6:[::1]:5  unix:/path
  const size_t colon = peer.find(':');
  const std::string scheme = colon == std::string::npos ? "" : peer.substr(0, colon);
  const std::string address = colon == std::string::npos ? peer : peer.substr(colon + 1);
  if (scheme == "ipv6" && !address.empty() && address.front() == '[') {
    return address.substr(1, address.find(']') - 1);
  }
  if (scheme == "ipv4") return address.substr(0, address.rfind(':'));
  return address;
}

}  // namespace crm::gateway
