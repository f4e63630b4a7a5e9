// Grade thresholds and their refresh.
#include "services/customer/grade_policy.h"

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "common/base/logging.h"
#include "common/text/decimal_text.h"

namespace crm::customer {

v1::CustomerGrade SuggestGrade(const v1::Customer& c, const GradeThresholds& t) {
  const bool has_revenue = c.has_annual_revenue();
  const int64_t revenue = c.annual_revenue().minor_units();
  const int32_t employees = c.employee_count();
  if (!has_revenue && employees <= 0) return v1::CUSTOMER_GRADE_UNSPECIFIED;
  if ((has_revenue && revenue >= t.effective_min_revenue_fen) ||
      employees >= t.effective_min_employees) {
    return v1::CUSTOMER_GRADE_EFFECTIVE;
  }
  if ((has_revenue && revenue >= t.intended_min_revenue_fen) ||
      employees >= t.intended_min_employees) {
    return v1::CUSTOMER_GRADE_INTENDED;
  }
  return v1::CUSTOMER_GRADE_POTENTIAL;
}

GradeThresholds ThresholdsFromParameters(const std::vector<org::v1::SystemParameter>& parameters,
                                         std::vector<std::string>* problems) {
  GradeThresholds t;
  auto revenue = [&](const org::v1::SystemParameter& p, int64_t* out) {
    std::optional<int64_t> fen = ParseDecimal(p.value(), 2);
    if (fen && *fen >= 0) {
      *out = *fen;
    } else {
      problems->push_back(absl::StrCat(p.key(), ": not an amount in yuan"));
    }
  };
  auto count = [&](const org::v1::SystemParameter& p, int32_t* out) {
    int32_t n = 0;
    if (absl::SimpleAtoi(p.value(), &n) && n >= 0) {
      *out = n;
    } else {
      problems->push_back(absl::StrCat(p.key(), ": not a count"));
    }
  };
  for (const org::v1::SystemParameter& p : parameters) {
    if (p.key() == "customer.grade.effective_min_revenue_yuan") {
      revenue(p, &t.effective_min_revenue_fen);
    } else if (p.key() == "customer.grade.effective_min_employees") {
      count(p, &t.effective_min_employees);
    } else if (p.key() == "customer.grade.intended_min_revenue_yuan") {
      revenue(p, &t.intended_min_revenue_fen);
    } else if (p.key() == "customer.grade.intended_min_employees") {
      count(p, &t.intended_min_employees);
    }
  }
  return t;
}

GradePolicy::GradePolicy(Fetch fetch, std::chrono::milliseconds interval)
    : fetch_(std::move(fetch)) {
  if (!fetch_ || interval.count() <= 0) return;
  thread_ = std::thread([this, interval] {
    std::unique_lock<std::mutex> lock(mu_);
    do {
      lock.unlock();
      absl::Status refreshed = Refresh();
      if (!refreshed.ok()) {
        log::Warn("cannot read the grade thresholds; keeping the last ones",
                  {{"error", refreshed.message()}});
      }
      lock.lock();
    } while (!wake_.wait_for(lock, interval, [this] { return stopping_; }));
  });
}

GradePolicy::~GradePolicy() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

GradeThresholds GradePolicy::Current() const {
  std::lock_guard<std::mutex> lock(mu_);
  return thresholds_;
}

absl::Status GradePolicy::Refresh() {
  if (!fetch_) return absl::OkStatus();
  absl::StatusOr<std::vector<org::v1::SystemParameter>> parameters = fetch_();
  if (!parameters.ok()) return parameters.status();
  std::vector<std::string> problems;
  GradeThresholds fresh = ThresholdsFromParameters(*parameters, &problems);
  for (const std::string& problem : problems) {
    log::Warn("ignoring a grade threshold parameter", {{"problem", problem}});
  }
  std::lock_guard<std::mutex> lock(mu_);
  thresholds_ = fresh;
  return absl::OkStatus();
}

}  // namespace crm::customer
