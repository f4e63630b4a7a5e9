// ReportHandlers' seasonal index and sales targets (R35): request checks,
// then the repository.
#include <set>
#include <utility>

#include "absl/strings/str_cat.h"
#include "common/base/status_util.h"
#include "services/reporting/report_handlers.h"

namespace crm::reporting {
namespace {

// The most one target or an annual target may be: ten trillion yuan.
constexpr int64_t kMaxTargetFen = 1'000'000'000'000'000;
constexpr int kMaxTargetsPerCall = 1200;
constexpr int kMaxAttainmentMonths = 36;

void CheckAmount(FieldViolations& violations, const std::string& field,
                 const common::v1::Money& amount) {
  if (amount.minor_units() < 0 || amount.minor_units() > kMaxTargetFen) {
    violations.Add(absl::StrCat(field, ".minor_units"),
                   absl::StrCat("must be 0 to ", kMaxTargetFen, " fen"));
  }
  if (!amount.currency_code().empty() && amount.currency_code() != "CNY") {
    violations.Add(absl::StrCat(field, ".currency_code"), "must be CNY or empty");
  }
}

}  // namespace

absl::Status ReportHandlers::GetSeasonalIndex(const CallContext& call,
                                              const v1::GetSeasonalIndexRequest& request,
                                              v1::SeasonalIndex* response) {
  FieldViolations violations;
  const int last_year =
      request.last_year() != 0
          ? request.last_year()
          : static_cast<int>(absl::ToCivilYear(call.Now(), reports_.zone()).year()) - 1;
  if (last_year < 2002 || last_year > 2199) violations.Add("last_year", "must be 2002 to 2199");
  if (request.customer_id() < 0) violations.Add("customer_id", "must be a customer id, or 0");
  std::optional<int64_t> annual_target;
  if (request.has_annual_target()) {
    CheckAmount(violations, "annual_target", request.annual_target());
    annual_target = request.annual_target().minor_units();
  }
  if (!violations.empty()) return violations.ToStatus();
  CRM_ASSIGN_OR_RETURN(*response,
                       reports_.Seasonal(call, last_year, request.customer_id(), annual_target));
  return absl::OkStatus();
}

absl::Status ReportHandlers::SetSalesTargets(const CallContext& call,
                                             const v1::SetSalesTargetsRequest& request,
                                             v1::SetSalesTargetsResponse* response) {
  FieldViolations violations;
  if (request.targets_size() < 1 || request.targets_size() > kMaxTargetsPerCall) {
    violations.Add("targets", absl::StrCat("must hold 1 to ", kMaxTargetsPerCall, " targets"));
  }
  std::set<std::pair<int64_t, std::string>> seen;
  std::vector<v1::SalesTarget> targets;
  for (int i = 0; i < request.targets_size() && i < kMaxTargetsPerCall; ++i) {
    const v1::SalesTarget& t = request.targets(i);
    const std::string field = absl::StrCat("targets[", i, "]");
    if (t.employee_id() <= 0) violations.Add(field + ".employee_id", "must be an employee id");
    if (!ParseMonth(t.month())) {
      violations.Add(field + ".month", "must be a YYYY-MM month of 2000 to 2199");
    }
    CheckAmount(violations, field + ".amount", t.amount());
    if (!seen.insert({t.employee_id(), t.month()}).second) {
      violations.Add(field, "names an employee and month already named");
    }
    v1::SalesTarget target;
    target.set_employee_id(t.employee_id());
    target.set_month(t.month());
    target.mutable_amount()->set_minor_units(t.amount().minor_units());
    target.mutable_amount()->set_currency_code("CNY");
    targets.push_back(std::move(target));
  }
  if (!violations.empty()) return violations.ToStatus();
  CRM_ASSIGN_OR_RETURN(const int set, reports_.SetTargets(call, targets));
  response->set_set(set);
  return absl::OkStatus();
}

absl::Status ReportHandlers::GetTargetAttainment(const CallContext& call,
                                                 const v1::GetTargetAttainmentRequest& request,
                                                 v1::TargetAttainment* response) {
  FieldViolations violations;
  const std::optional<absl::CivilMonth> from = ParseMonth(request.from_month());
  const std::optional<absl::CivilMonth> to = ParseMonth(request.to_month());
  if (!from) violations.Add("from_month", "must be a YYYY-MM month of 2000 to 2199");
  if (!to) violations.Add("to_month", "must be a YYYY-MM month of 2000 to 2199");
  if (from && to && (*to < *from || *to - *from >= kMaxAttainmentMonths)) {
    violations.Add("to_month", absl::StrCat("must be from from_month to ", kMaxAttainmentMonths - 1,
                                            " months after it"));
  }
  if (request.employee_id() < 0) violations.Add("employee_id", "must be an employee id, or 0");
  if (!violations.empty()) return violations.ToStatus();
  CRM_ASSIGN_OR_RETURN(*response, reports_.Attainment(call, *from, *to, request.employee_id()));
  return absl::OkStatus();
}

}  // namespace crm::reporting
