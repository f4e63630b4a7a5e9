// Care reminders (R8): the yearly dates of contacts (birthdays, anniversaries)
// coming up in a window of days, and the calendar rules behind them.
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"
#include "common/rpc/call_context.h"
#include "crm/customer/v1/contact.pb.h"

namespace crm {
class Database;
}

namespace crm::customer {

// A date that comes back every year, as contacts store it: "MM-DD", or
// "YYYY-MM-DD" when the year is known.
struct AnnualDate {
  int year = 0;  // 0: unknown
  int month = 0;
  int day = 0;
  // month * 100 + day, as stored in birthday_md and contact_anniversaries.md.
  int MonthDay() const { return month * 100 + day; }
};

// INVALID_ARGUMENT unless `text` is "MM-DD" (02-29 allowed) or a real
// calendar date "YYYY-MM-DD".
absl::StatusOr<AnnualDate> ParseAnnualDate(absl::string_view text);

// The first day on or after `today` on which a date of `month`-`day` is
// remembered: Feb 29 is remembered on Feb 28 in years without one.
absl::CivilDay NextOccurrence(absl::CivilDay today, int month, int day);

// A run of month-days that fall in one calendar year of a window.
struct MonthDayRange {
  int year = 0;
  int from = 0;  // month * 100 + day, inclusive
  int to = 0;
};

// The month-days remembered from `today` to `today + days_ahead` (inclusive),
// as ranges in calendar order. Each month-day appears once, in the range of
// its first occurrence (a window of more than a year sees some days twice).
std::vector<MonthDayRange> ReminderRanges(absl::CivilDay today, int days_ahead);

// The month-day that `month_day` is remembered on in `year` (0229 -> 0228 in
// years without Feb 29), so reminders of one day sort together.
int RemindedMonthDay(int year, int month_day);

// Where a page of reminders starts: after this row of the window computed
// for `today` (kept, so a page turn at midnight still continues the list).
struct CareReminderPosition {
  absl::CivilDay today;
  int range = 0;  // index into ReminderRanges(today, days_ahead)
  int month_day = 0;
  int64_t contact_id = 0;
  int kind = 0;         // v1::CareReminder::Kind
  int64_t item_id = 0;  // the anniversary's row id; 0 for birthdays
};

struct CareReminderPage {
  std::vector<v1::CareReminder> reminders;
  std::optional<CareReminderPosition> next;  // set when more follow
};

// Reads reminders of live contacts of live customers the caller may read,
// by date, then contact, then kind.
class CareReminderQuery {
 public:
  explicit CareReminderQuery(Database& db) : db_(db) {}

  absl::StatusOr<CareReminderPage> List(const CallContext& call, absl::CivilDay today,
                                        int days_ahead, int page_size,
                                        const std::optional<CareReminderPosition>& after);

 private:
  Database& db_;
};

}  // namespace crm::customer
