// Care reminder dates and the query over contacts and their anniversaries.
#include "services/customer/care_reminders.h"

#include <cppconn/prepared_statement.h>
#include <cppconn/resultset.h>

#include <memory>
#include <set>
#include <string>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "common/base/dates.h"
#include "common/db/database.h"
#include "common/db/sql_where.h"
#include "services/customer/customer_access.h"

namespace crm::customer {
namespace {

using v1::CareReminder;

bool IsLeapYear(int64_t year) { return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0; }

// The month-days remembered on `day`: its own, and Feb 29's on Feb 28 of a
// year without one.
std::vector<int> RememberedOn(absl::CivilDay day) {
  const int md = day.month() * 100 + day.day();
  if (md == 228 && !IsLeapYear(day.year())) return {228, 229};
  return {md};
}

// One range's birthdays and anniversaries as rows of (month_day, contact_id,
// kind, item_id, ...). The caller's restriction appears in both branches.
// The sort month-day is bound first (228 or 229 for stored 0229 dates).
std::string RangeQuery(const SqlWhere& birthdays, const SqlWhere& anniversaries, bool paged) {
  return absl::StrCat(
      "SELECT r.month_day, r.contact_id, r.kind, r.item_id, r.contact_name, r.customer_id,"
      " r.customer_name, r.date_text, r.description FROM ("
      "SELECT IF(ct.birthday_md = 229, ?, ct.birthday_md) AS month_day, ct.id AS contact_id,"
      " 1 AS kind, 0 AS item_id, ct.name AS contact_name, ct.customer_id AS customer_id,"
      " c.name AS customer_name, ct.birthday AS date_text, '' AS description"
      " FROM contacts ct JOIN customers c ON c.id = ct.customer_id AND c.deleted_at IS NULL",
      birthdays.Sql(),
      " UNION ALL "
      "SELECT IF(a.md = 229, ?, a.md), ct.id, 2, a.id, ct.name, ct.customer_id, c.name,"
      " a.date_text, a.description"
      " FROM contact_anniversaries a JOIN contacts ct ON ct.id = a.contact_id"
      " JOIN customers c ON c.id = ct.customer_id AND c.deleted_at IS NULL",
      anniversaries.Sql(), ") r",
      paged ? " WHERE (r.month_day, r.contact_id, r.kind, r.item_id) > (?, ?, ?, ?)" : "",
      " ORDER BY r.month_day, r.contact_id, r.kind, r.item_id LIMIT ?");
}

}  // namespace

absl::StatusOr<AnnualDate> ParseAnnualDate(absl::string_view text) {
  AnnualDate date;
  if (text.size() == 10) {
    absl::StatusOr<absl::CivilDay> day = ParseIsoDate(text);
    if (!day.ok() || day->year() < 1) {
      return absl::InvalidArgumentError("must be a date as MM-DD or YYYY-MM-DD");
    }
    date.year = static_cast<int>(day->year());
    date.month = day->month();
    date.day = day->day();
    return date;
  }
  if (text.size() != 5 || text[2] != '-' || !absl::ascii_isdigit(text[0]) ||
      !absl::ascii_isdigit(text[1]) || !absl::ascii_isdigit(text[3]) ||
      !absl::ascii_isdigit(text[4])) {
    return absl::InvalidArgumentError("must be a date as MM-DD or YYYY-MM-DD");
  }
  date.month = (text[0] - '0') * 10 + (text[1] - '0');
  date.day = (text[3] - '0') * 10 + (text[4] - '0');
  // A leap year, so that 02-29 is a date.
  const absl::CivilDay check(2000, date.month, date.day);
  if (date.month < 1 || date.month > 12 || date.day < 1 || check.month() != date.month ||
      check.day() != date.day) {
    return absl::InvalidArgumentError("must be a date as MM-DD or YYYY-MM-DD");
  }
  return date;
}

absl::CivilDay NextOccurrence(absl::CivilDay today, int month, int day) {
  auto in_year = [&](int64_t year) {
    if (month == 2 && day == 29 && !IsLeapYear(year)) return absl::CivilDay(year, 2, 28);
    return absl::CivilDay(year, month, day);
  };
  const absl::CivilDay this_year = in_year(today.year());
  return this_year >= today ? this_year : in_year(today.year() + 1);
}

std::vector<MonthDayRange> ReminderRanges(absl::CivilDay today, int days_ahead) {
  std::vector<MonthDayRange> ranges;
  std::set<int> seen;
  bool extend = false;  // the previous month-day was new and this one follows it
  for (absl::CivilDay day = today; day <= today + days_ahead; ++day) {
    for (int md : RememberedOn(day)) {
      if (!seen.insert(md).second) {
        extend = false;
        continue;
      }
      if (extend && ranges.back().year == day.year()) {
        ranges.back().to = md;
      } else {
        ranges.push_back(MonthDayRange{static_cast<int>(day.year()), md, md});
      }
      extend = true;
    }
  }
  return ranges;
}

int RemindedMonthDay(int year, int month_day) {
  return month_day == 229 && !IsLeapYear(year) ? 228 : month_day;
}

absl::StatusOr<CareReminderPage> CareReminderQuery::List(
    const CallContext& call, absl::CivilDay today, int days_ahead, int page_size,
    const std::optional<CareReminderPosition>& after) {
  const std::vector<MonthDayRange> ranges = ReminderRanges(today, days_ahead);
  return db_.Run(
      "contact.care_reminders", call.deadline,
      [&](MySqlConnection& c) -> absl::StatusOr<CareReminderPage> {
        CareReminderPage page;
        std::vector<CareReminderPosition> positions;
        const int wanted = page_size + 1;  // one extra row tells whether more follow
        for (size_t i = after ? after->range : 0;
             i < ranges.size() && static_cast<int>(positions.size()) < wanted; ++i) {
          const MonthDayRange& range = ranges[i];
          SqlWhere birthdays;
          birthdays.And("ct.deleted_at IS NULL")
              .And("ct.birthday_md BETWEEN ? AND ?", {int64_t{range.from}, int64_t{range.to}});
          RestrictCustomers(birthdays, call.caller, Access::kRead);
          SqlWhere anniversaries;
          anniversaries.And("ct.deleted_at IS NULL")
              .And("a.md BETWEEN ? AND ?", {int64_t{range.from}, int64_t{range.to}});
          RestrictCustomers(anniversaries, call.caller, Access::kRead);
          const bool paged = after && static_cast<int>(i) == after->range;
          sql::PreparedStatement& stmt = c.Prepare(RangeQuery(birthdays, anniversaries, paged));
          const int feb29 = RemindedMonthDay(range.year, 229);
          int index = 1;
          stmt.setInt(index++, feb29);
          index = birthdays.Bind(stmt, index);
          stmt.setInt(index++, feb29);
          index = anniversaries.Bind(stmt, index);
          if (paged) {
            stmt.setInt(index++, after->month_day);
            stmt.setInt64(index++, after->contact_id);
            stmt.setInt(index++, after->kind);
            stmt.setInt64(index++, after->item_id);
          }
          stmt.setInt(index, wanted - static_cast<int>(positions.size()));
          std::unique_ptr<sql::ResultSet> rs(stmt.executeQuery());
          while (rs->next()) {
            absl::StatusOr<AnnualDate> stored = ParseAnnualDate(std::string(rs->getString(8)));
            if (!stored.ok()) continue;  // validated on write; never expected
            const absl::CivilDay date = NextOccurrence(today, stored->month, stored->day);
            CareReminder reminder;
            reminder.set_kind(static_cast<CareReminder::Kind>(rs->getInt(3)));
            reminder.set_contact_id(rs->getInt64(2));
            reminder.set_contact_name(rs->getString(5));
            reminder.set_customer_id(rs->getInt64(6));
            reminder.set_customer_name(rs->getString(7));
            reminder.set_date(FormatIsoDate(date));
            reminder.set_days_until(static_cast<int32_t>(date - today));
            reminder.set_description(rs->getString(9));
            if (stored->year > 0 && date.year() > stored->year) {
              reminder.set_years(static_cast<int32_t>(date.year() - stored->year));
            }
            page.reminders.push_back(std::move(reminder));
            positions.push_back(CareReminderPosition{today, static_cast<int>(i), rs->getInt(1),
                                                     rs->getInt64(2), rs->getInt(3),
                                                     rs->getInt64(4)});
          }
        }
        if (static_cast<int>(positions.size()) == wanted) {
          page.reminders.pop_back();
          page.next = positions[positions.size() - 2];
        }
        return page;
      });
}

}  // namespace crm::customer
