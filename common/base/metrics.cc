// The metrics registry and the Prometheus text format.
#include "common/base/metrics.h"

#include <algorithm>
#include <cmath>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace crm::metrics {
namespace {

void AtomicAdd(std::atomic<double>& target, double by) {
  double current = target.load(std::memory_order_relaxed);
  while (!target.compare_exchange_weak(current, current + by, std::memory_order_relaxed)) {
  }
}

std::string FormatValue(double value) {
  if (std::isinf(value)) return value > 0 ? "+Inf" : "-Inf";
  if (std::isnan(value)) return "NaN";
  if (value == std::floor(value) && std::fabs(value) < 1e15) {
    return absl::StrFormat("%.0f", value);
  }
  return absl::StrFormat("%.9g", value);
}

void AppendEscaped(std::string& out, absl::string_view value) {
  for (char c : value) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '"') {
      out += "\\\"";
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out += c;
    }
  }
}

std::string SeriesLine(absl::string_view name, const Labels& labels, double value) {
  return absl::StrCat(name, FormatLabels(labels), " ", FormatValue(value));
}

}  // namespace

void Counter::Increment(double by) { AtomicAdd(value_, by); }

void Gauge::Add(double by) { AtomicAdd(value_, by); }

Histogram::Histogram(std::vector<double> bounds)
    : bounds_(std::move(bounds)), buckets_(new std::atomic<uint64_t>[bounds_.size() + 1]) {
  for (size_t i = 0; i <= bounds_.size(); ++i) buckets_[i].store(0, std::memory_order_relaxed);
}

void Histogram::Observe(double value) {
  const size_t bucket = std::lower_bound(bounds_.begin(), bounds_.end(), value) - bounds_.begin();
  buckets_[bucket].fetch_add(1, std::memory_order_relaxed);
  count_.fetch_add(1, std::memory_order_relaxed);
  AtomicAdd(sum_, value);
}

std::vector<uint64_t> Histogram::BucketCounts() const {
  std::vector<uint64_t> counts(bounds_.size() + 1);
  for (size_t i = 0; i < counts.size(); ++i)
    counts[i] = buckets_[i].load(std::memory_order_relaxed);
  return counts;
}

const std::vector<double>& LatencyBuckets() {
  static const std::vector<double> buckets{0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05,
                                           0.1,    0.25,  0.5,    1,     2.5,  5,     10};
  return buckets;
}

std::string FormatLabels(const Labels& labels) {
  if (labels.empty()) return "";
  std::string out = "{";
  for (size_t i = 0; i < labels.size(); ++i) {
    if (i > 0) out += ',';
    absl::StrAppend(&out, labels[i].first, "=\"");
    AppendEscaped(out, labels[i].second);
    out += '"';
  }
  out += '}';
  return out;
}

Exposition::Family& Exposition::FamilyOf(absl::string_view name, absl::string_view help,
                                         absl::string_view type) {
  auto it = families_.find(name);
  if (it == families_.end()) {
    order_.emplace_back(name);
    it = families_.emplace(std::string(name), Family{std::string(help), std::string(type), {}})
             .first;
  }
  return it->second;
}

void Exposition::Gauge(absl::string_view name, absl::string_view help, double value,
                       Labels labels) {
  FamilyOf(name, help, "gauge").lines.push_back(SeriesLine(name, labels, value));
}

void Exposition::Counter(absl::string_view name, absl::string_view help, double value,
                         Labels labels) {
  FamilyOf(name, help, "counter").lines.push_back(SeriesLine(name, labels, value));
}

std::string Exposition::Text() const {
  std::string out;
  for (const std::string& name : order_) {
    const Family& family = families_.find(name)->second;
    std::string help;
    for (char c : family.help) help += c == '\n' ? ' ' : c;
    absl::StrAppend(&out, "# HELP ", name, " ", help, "\n# TYPE ", name, " ", family.type, "\n");
    for (const std::string& line : family.lines) absl::StrAppend(&out, line, "\n");
  }
  return out;
}

Registry& Registry::Global() {
  static Registry* registry = new Registry();
  return *registry;
}

Registry::Series& Registry::SeriesOf(absl::string_view name, absl::string_view help,
                                     absl::string_view type, const Labels& labels) {
  auto family = families_.find(name);
  if (family == families_.end()) {
    family = families_.emplace(std::string(name), Family{std::string(help), std::string(type), {}})
                 .first;
  }
  Series& series = family->second.series[FormatLabels(labels)];
  if (series.labels.empty()) series.labels = labels;
  return series;
}

Counter& Registry::GetCounter(absl::string_view name, absl::string_view help,
                              const Labels& labels) {
  std::lock_guard<std::mutex> lock(mu_);
  Series& series = SeriesOf(name, help, "counter", labels);
  if (!series.counter) series.counter = std::make_unique<metrics::Counter>();
  return *series.counter;
}

Gauge& Registry::GetGauge(absl::string_view name, absl::string_view help, const Labels& labels) {
  std::lock_guard<std::mutex> lock(mu_);
  Series& series = SeriesOf(name, help, "gauge", labels);
  if (!series.gauge) series.gauge = std::make_unique<metrics::Gauge>();
  return *series.gauge;
}

Histogram& Registry::GetHistogram(absl::string_view name, absl::string_view help,
                                  const std::vector<double>& bounds, const Labels& labels) {
  std::lock_guard<std::mutex> lock(mu_);
  Series& series = SeriesOf(name, help, "histogram", labels);
  if (!series.histogram) series.histogram = std::make_unique<metrics::Histogram>(bounds);
  return *series.histogram;
}

std::shared_ptr<void> Registry::AddCollector(Collector collect) {
  std::lock_guard<std::mutex> lock(mu_);
  const int id = next_collector_++;
  collectors_.emplace(id, std::move(collect));
  return std::shared_ptr<void>(nullptr, [this, id](void*) {
    std::lock_guard<std::mutex> lock(mu_);
    collectors_.erase(id);
  });
}

std::string Registry::Render() const {
  Exposition page;
  std::lock_guard<std::mutex> lock(mu_);
  for (const auto& [name, family] : families_) {
    Exposition::Family& out = page.FamilyOf(name, family.help, family.type);
    for (const auto& [label_text, series] : family.series) {
      if (series.counter)
        out.lines.push_back(SeriesLine(name, series.labels, series.counter->value()));
      if (series.gauge) out.lines.push_back(SeriesLine(name, series.labels, series.gauge->value()));
      if (!series.histogram) continue;
      const Histogram& h = *series.histogram;
      const std::vector<uint64_t> counts = h.BucketCounts();
      uint64_t cumulative = 0;
      for (size_t i = 0; i < counts.size(); ++i) {
        cumulative += counts[i];
        Labels with_le = series.labels;
        with_le.emplace_back("le", i < h.bounds().size() ? FormatValue(h.bounds()[i]) : "+Inf");
        out.lines.push_back(SeriesLine(absl::StrCat(name, "_bucket"), with_le, cumulative));
      }
      out.lines.push_back(SeriesLine(absl::StrCat(name, "_sum"), series.labels, h.sum()));
      // The count is the buckets' total, so the page is consistent within itself
      // even while observations land during the scrape.
      out.lines.push_back(SeriesLine(absl::StrCat(name, "_count"), series.labels, cumulative));
    }
  }
  for (const auto& [id, collect] : collectors_) collect(page);
  return page.Text();
}

}  // namespace crm::metrics
