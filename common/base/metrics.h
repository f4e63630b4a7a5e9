// Prometheus metrics: counters, gauges and histograms in one registry per
// process, rendered in the text exposition format (0.0.4) by the metrics
// endpoint (metrics_server.h). A series' labels are fixed when it is created
// and must come from a bounded set (a method, a status code, a backend): never
// an id or a user name. Updating a series is a few relaxed atomic operations;
// finding one takes a lock, so hot paths keep the pointer.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/string_view.h"

namespace crm::metrics {

using Labels = std::vector<std::pair<std::string, std::string>>;

class Counter {
 public:
  void Increment(double by = 1);
  double value() const { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<double> value_{0};
};

class Gauge {
 public:
  void Set(double value) { value_.store(value, std::memory_order_relaxed); }
  void Add(double by);
  double value() const { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<double> value_{0};
};

class Histogram {
 public:
  // `bounds`: the buckets' upper bounds, ascending (+Inf is implied).
  explicit Histogram(std::vector<double> bounds);
  void Observe(double value);

  const std::vector<double>& bounds() const { return bounds_; }
  // Per bucket (not cumulative), the last one for +Inf.
  std::vector<uint64_t> BucketCounts() const;
  uint64_t count() const { return count_.load(std::memory_order_relaxed); }
  double sum() const { return sum_.load(std::memory_order_relaxed); }

 private:
  const std::vector<double> bounds_;
  std::unique_ptr<std::atomic<uint64_t>[]> buckets_;
  std::atomic<uint64_t> count_{0};
  std::atomic<double> sum_{0};
};

// Latency buckets in seconds, from half a millisecond to ten seconds.
const std::vector<double>& LatencyBuckets();

// Series produced when the page is scraped (pool statistics, process figures,
// feed positions): a collector adds them here.
class Exposition {
 public:
  void Gauge(absl::string_view name, absl::string_view help, double value, Labels labels = {});
  void Counter(absl::string_view name, absl::string_view help, double value, Labels labels = {});
  // The page: each family's HELP and TYPE once, then its series.
  std::string Text() const;

 private:
  friend class Registry;
  struct Family {
    std::string help;
    std::string type;
    std::vector<std::string> lines;
  };
  Family& FamilyOf(absl::string_view name, absl::string_view help, absl::string_view type);

  std::vector<std::string> order_;
  std::map<std::string, Family, std::less<>> families_;
};

class Registry {
 public:
  using Collector = std::function<void(Exposition&)>;

  // The process's registry.
  static Registry& Global();

  // The series with these labels, created on first use; the reference stays
  // valid for the life of the registry.
  Counter& GetCounter(absl::string_view name, absl::string_view help, const Labels& labels = {});
  Gauge& GetGauge(absl::string_view name, absl::string_view help, const Labels& labels = {});
  Histogram& GetHistogram(absl::string_view name, absl::string_view help,
                          const std::vector<double>& bounds, const Labels& labels = {});

  // Runs `collect` at every scrape until the returned handle is destroyed
  // (keep the handle no longer than what `collect` reads).
  std::shared_ptr<void> AddCollector(Collector collect);

  std::string Render() const;

 private:
  struct Series {
    Labels labels;
    std::unique_ptr<metrics::Counter> counter;
    std::unique_ptr<metrics::Gauge> gauge;
    std::unique_ptr<metrics::Histogram> histogram;
  };
  struct Family {
    std::string help;
    std::string type;
    std::map<std::string, Series> series;  // by rendered label set
  };
  Series& SeriesOf(absl::string_view name, absl::string_view help, absl::string_view type,
                   const Labels& labels);

  mutable std::mutex mu_;
  std::map<std::string, Family, std::less<>> families_;
  std::map<int, Collector> collectors_;
  int next_collector_ = 0;
};

// `{a="x",b="y"}` with the values escaped, or "" for no labels.
std::string FormatLabels(const Labels& labels);

}  // namespace crm::metrics
