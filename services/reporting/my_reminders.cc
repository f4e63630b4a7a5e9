// MyReminders: the sources in turn, then one sort.
#include "services/reporting/my_reminders.h"

#include <algorithm>
#include <tuple>

#include "common/base/dates.h"
#include "common/base/logging.h"
#include "common/base/money.h"
#include "common/base/status_util.h"

namespace crm::reporting {
namespace {

using Kind = v1::MyReminder::Kind;

// Whether a failed call means "nothing for this caller" (no permission for
// that source) rather than "the source is down".
bool NotForCaller(const absl::Status& status) {
  return status.code() == absl::StatusCode::kPermissionDenied;
}

Kind FromSales(sales::v1::Reminder::Kind kind) {
  switch (kind) {
    case sales::v1::Reminder::NEXT_STEP:
      return v1::MyReminder::NEXT_STEP;
    case sales::v1::Reminder::EXPECTED_CLOSE:
      return v1::MyReminder::EXPECTED_CLOSE;
    case sales::v1::Reminder::DELIVERY:
      return v1::MyReminder::DELIVERY;
    case sales::v1::Reminder::ORDER_REMINDER:
      return v1::MyReminder::ORDER_REMINDER;
    default:
      return v1::MyReminder::KIND_UNSPECIFIED;
  }
}

}  // namespace

absl::Status MyReminders::ListMyReminders(const CallContext& call,
                                          const v1::ListMyRemindersRequest& request,
                                          v1::ListMyRemindersResponse* response) {
  FieldViolations violations;
  const absl::StatusOr<absl::CivilDay> from = ParseIsoDate(request.from_date());
  const absl::StatusOr<absl::CivilDay> to = ParseIsoDate(request.to_date());
  if (!from.ok()) violations.Add("from_date", "must be a YYYY-MM-DD day");
  if (!to.ok()) violations.Add("to_date", "must be a YYYY-MM-DD day");
  if (from.ok() && to.ok() && (*to < *from || *to - *from > 91)) {
    violations.Add("to_date", "must be from from_date to 91 days after it");
  }
  if (!violations.empty()) return violations.ToStatus();
  const std::string first = FormatIsoDate(*from), last = FormatIsoDate(*to);
  const absl::CivilDay today = absl::ToCivilDay(call.Now(), zone_);
  auto in_range = [&](const std::string& date) { return date >= first && date <= last; };
  auto add = [&](Kind kind, const std::string& date, int64_t record, int64_t customer,
                 const std::string& text) {
    v1::MyReminder* reminder = response->add_reminders();
    reminder->set_kind(kind);
    reminder->set_date(date);
    reminder->set_record_id(record);
    reminder->set_customer_id(customer);
    reminder->set_text(text);
  };
  auto unavailable = [&](const char* source, const absl::Status& status) {
    log::Warn("a reminder source did not answer",
              {{"source", source}, {"error", status.message()}});
    response->add_unavailable_sources(source);
  };

  // Sales.
  sales::v1::ListMyRemindersRequest sales_request;
  sales_request.set_from_date(first);
  sales_request.set_to_date(last);
  absl::StatusOr<sales::v1::ListMyRemindersResponse> sold =
      sales_ ? sales_->ListMyReminders(call, sales_request)
             : absl::UnavailableError("no sales service");
  if (sold.ok()) {
    for (const sales::v1::Reminder& r : sold->reminders()) {
      add(FromSales(r.kind()), r.date(), r.record_id(), r.customer_id(), r.text());
    }
  } else if (!NotForCaller(sold.status())) {
    unavailable("sales", sold.status());
  }

  // Customer: care dates and recycle warnings, from today on.
  if (*to >= today) {
    customer::v1::ListCareRemindersRequest care_request;
    care_request.set_days_ahead(static_cast<int32_t>(std::min<int64_t>(*to - today, 366)));
    care_request.set_page_size(500);
    bool customer_answered = customers_ != nullptr;
    absl::Status customer_error = absl::UnavailableError("no customer service");
    while (customers_) {
      absl::StatusOr<customer::v1::ListCareRemindersResponse> care =
          customers_->ListCareReminders(call, care_request);
      if (!care.ok()) {
        customer_answered = NotForCaller(care.status());
        customer_error = care.status();
        break;
      }
      for (const customer::v1::CareReminder& r : care->reminders()) {
        if (!in_range(r.date())) continue;
        const bool birthday = r.kind() == customer::v1::CareReminder::KIND_BIRTHDAY;
        add(birthday ? v1::MyReminder::BIRTHDAY : v1::MyReminder::ANNIVERSARY, r.date(),
            r.contact_id(), r.customer_id(),
            birthday ? r.contact_name() : r.contact_name() + " " + r.description());
      }
      if (care->next_page_token().empty()) break;
      care_request.set_page_token(care->next_page_token());
    }
    if (customer_answered && customers_) {
      absl::StatusOr<customer::v1::ListMyPoolWarningsResponse> warnings =
          customers_->ListMyPoolWarnings(call);
      if (warnings.ok()) {
        for (const customer::v1::PoolWarning& w : warnings->warnings()) {
          if (in_range(w.recycle_date())) {
            add(v1::MyReminder::POOL_RECYCLE, w.recycle_date(), w.customer_id(), w.customer_id(),
                w.customer_name());
          }
        }
      } else if (!NotForCaller(warnings.status())) {
        customer_answered = false;
        customer_error = warnings.status();
      }
    }
    if (!customer_answered) unavailable("customer", customer_error);
  }

  // Service requests at risk, from the read model.
  CRM_ASSIGN_OR_RETURN(const std::vector<AtRiskRequest> at_risk,
                       reports_.AtRiskRequests(call, *to));
  for (const AtRiskRequest& r : at_risk) {
    const std::string date = FormatIsoDate(std::max(r.at_risk_day, today));
    if (in_range(date)) add(v1::MyReminder::REQUEST_AT_RISK, date, r.id, r.customer_id, r.subject);
  }

  // Instalments owed on the caller's contracts; an overdue one is due today.
  CRM_ASSIGN_OR_RETURN(const std::vector<InstalmentDue> instalments,
                       reports_.InstalmentsDue(call, *to));
  for (const InstalmentDue& i : instalments) {
    const std::string date = FormatIsoDate(std::max(i.due_day, today));
    if (!in_range(date)) continue;
    add(v1::MyReminder::INSTALMENT_DUE, date, i.id, i.customer_id,
        absl::StrCat("合同 ", i.contract_number, " 第", i.sequence, "期 应收 ",
                     Yuan(i.outstanding_fen), "（", FormatIsoDate(i.due_day), " 到期）"));
  }

  std::sort(response->mutable_reminders()->begin(), response->mutable_reminders()->end(),
            [](const v1::MyReminder& a, const v1::MyReminder& b) {
              return std::make_tuple(a.date(), static_cast<int>(a.kind()), a.record_id()) <
                     std::make_tuple(b.date(), static_cast<int>(b.kind()), b.record_id());
            });
  return absl::OkStatus();
}

}  // namespace crm::reporting
