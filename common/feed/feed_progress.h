// How far this process has followed a change feed, as metrics (one feed name
// per consumer, a bounded label):
//   crm_feed_position{feed}        the last sequence applied
//   crm_feed_lag_seconds{feed}     time since the consumer last had everything
//                                  the source had (0 while it keeps up; grows
//                                  while the source is unreachable or behind)
//   crm_feed_errors_total{feed}    polls that failed
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>

namespace crm {

class FeedProgress {
 public:
  explicit FeedProgress(std::string feed);
  ~FeedProgress();

  void At(int64_t sequence);
  // Everything the source had is applied.
  void CaughtUp();
  // A page was applied and the source has more after it.
  void Behind();
  void Failed();

  // Whether the last page fetched held everything the source had (false
  // until the first poll): what work waiting for a catch-up to end asks.
  bool at_head() const { return at_head_.load(); }

  // The figures the metrics show, for a status RPC.
  int64_t position() const { return position_.load(); }
  double lag_seconds() const;
  int64_t errors() const { return errors_.load(); }

 private:
  const std::string feed_;
  std::atomic<int64_t> position_{0};
  std::atomic<double> caught_up_at_;  // Unix seconds
  std::atomic<int64_t> errors_{0};
  std::atomic<bool> at_head_{false};
  std::shared_ptr<void> collector_;
};

}  // namespace crm
