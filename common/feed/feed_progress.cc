// FeedProgress: atomics the consumer updates, read at scrape time.
#include "common/feed/feed_progress.h"

#include <algorithm>

#include "absl/time/clock.h"
#include "common/base/metrics.h"

namespace crm {
namespace {

// Lag is an operational figure, measured on the real clock (not the business
// clock a test may set).
double NowSeconds() { return absl::ToUnixMicros(absl::Now()) / 1e6; }

}  // namespace

FeedProgress::FeedProgress(std::string feed) : feed_(std::move(feed)), caught_up_at_(NowSeconds()) {
  collector_ = metrics::Registry::Global().AddCollector([this](metrics::Exposition& out) {
    const metrics::Labels labels{{"feed", feed_}};
    out.Gauge("crm_feed_position", "The last change-feed sequence applied.",
              static_cast<double>(position_.load()), labels);
    out.Gauge("crm_feed_lag_seconds",
              "Seconds since the consumer last had every change its source had.", lag_seconds(),
              labels);
    out.Counter("crm_feed_errors_total", "Feed polls that failed.",
                static_cast<double>(errors_.load()), labels);
  });
}

FeedProgress::~FeedProgress() { collector_.reset(); }

void FeedProgress::At(int64_t sequence) { position_.store(sequence); }

void FeedProgress::CaughtUp() {
  caught_up_at_.store(NowSeconds());
  at_head_.store(true);
}

void FeedProgress::Behind() { at_head_.store(false); }

void FeedProgress::Failed() { errors_.fetch_add(1); }

double FeedProgress::lag_seconds() const {
  return std::max(0.0, NowSeconds() - caught_up_at_.load());
}

}  // namespace crm
