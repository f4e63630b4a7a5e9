// Grade suggestion (R1: annual revenue and employee count drive the grade).
// The thresholds are system parameters an administrator edits in the org
// service (README, "Customer grades"); this service re-reads them regularly.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

#include "absl/status/statusor.h"
#include "crm/customer/v1/customer.pb.h"
#include "crm/org/v1/settings.pb.h"

namespace crm::customer {

struct GradeThresholds {
  // At or above either figure: EFFECTIVE; else at or above either of the
  // second pair: INTENDED; else POTENTIAL.
  int64_t effective_min_revenue_fen = 50'000'000'00;  // 50 million yuan
  int32_t effective_min_employees = 500;
  int64_t intended_min_revenue_fen = 5'000'000'00;  // 5 million yuan
  int32_t intended_min_employees = 50;
};

// UNSPECIFIED when the customer has neither revenue nor employee count.
v1::CustomerGrade SuggestGrade(const v1::Customer& customer, const GradeThresholds& thresholds);

// The thresholds the parameters set (keys in README), defaults for the rest.
// A parameter with a bad value is skipped and reported in `problems`.
GradeThresholds ThresholdsFromParameters(const std::vector<org::v1::SystemParameter>& parameters,
                                         std::vector<std::string>* problems);

// The current thresholds, refreshed in the background.
class GradePolicy {
 public:
  using Fetch = std::function<absl::StatusOr<std::vector<org::v1::SystemParameter>>()>;

  // Starts with the defaults; `fetch` is called every `interval` (never when
  // the interval is zero).
  GradePolicy(Fetch fetch, std::chrono::milliseconds interval);
  GradePolicy() : GradePolicy(nullptr, std::chrono::milliseconds(0)) {}
  ~GradePolicy();

  GradeThresholds Current() const;
  // One refresh now (tests, start-up).
  absl::Status Refresh();

 private:
  Fetch fetch_;
  mutable std::mutex mu_;
  GradeThresholds thresholds_;
  std::condition_variable wake_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace crm::customer
