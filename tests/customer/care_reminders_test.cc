// The calendar rules of care reminders: yearly dates, next occurrences, the
// Feb 29 rule and windows over the year end.
#include "services/customer/care_reminders.h"

#include <gtest/gtest.h>

namespace crm::customer {
namespace {

using absl::CivilDay;

std::vector<std::tuple<int, int, int>> Ranges(CivilDay today, int days_ahead) {
  std::vector<std::tuple<int, int, int>> out;
  for (const MonthDayRange& r : ReminderRanges(today, days_ahead)) {
    out.emplace_back(r.year, r.from, r.to);
  }
  return out;
}

TEST(CareRemindersTest, AnnualDatesAreMonthDayOrFullCalendarDates) {
  auto md = ParseAnnualDate("02-29");
  ASSERT_TRUE(md.ok());
  EXPECT_EQ(md->year, 0);
  EXPECT_EQ(md->MonthDay(), 229);
  auto full = ParseAnnualDate("1988-12-31");
  ASSERT_TRUE(full.ok());
  EXPECT_EQ(full->year, 1988);
  EXPECT_EQ(full->MonthDay(), 1231);
  EXPECT_TRUE(ParseAnnualDate("2024-02-29").ok());
  for (const char* bad : {"", "2-29", "02-30", "13-01", "00-10", "04-31", "2023-02-29", "1988-1-31",
                          "12/31", "1988-12-31x", "ab-cd", "0000-01-01"}) {
    EXPECT_FALSE(ParseAnnualDate(bad).ok()) << bad;
  }
}

TEST(CareRemindersTest, NextOccurrenceIsTodayOrLaterAndFeb29FallsOnFeb28) {
  EXPECT_EQ(NextOccurrence(CivilDay(2026, 5, 10), 5, 10), CivilDay(2026, 5, 10));
  EXPECT_EQ(NextOccurrence(CivilDay(2026, 5, 10), 5, 9), CivilDay(2027, 5, 9));
  EXPECT_EQ(NextOccurrence(CivilDay(2026, 12, 28), 1, 2), CivilDay(2027, 1, 2));
  EXPECT_EQ(NextOccurrence(CivilDay(2027, 2, 1), 2, 29), CivilDay(2027, 2, 28));
  EXPECT_EQ(NextOccurrence(CivilDay(2027, 2, 28), 2, 29), CivilDay(2027, 2, 28));
  EXPECT_EQ(NextOccurrence(CivilDay(2027, 3, 1), 2, 29), CivilDay(2028, 2, 29));
  EXPECT_EQ(NextOccurrence(CivilDay(2028, 2, 28), 2, 29), CivilDay(2028, 2, 29));
  EXPECT_EQ(NextOccurrence(CivilDay(2100, 1, 1), 2, 29), CivilDay(2100, 2, 28));  // not leap
}

TEST(CareRemindersTest, WindowsBecomeMonthDayRangesInCalendarOrder) {
  using R = std::vector<std::tuple<int, int, int>>;
  EXPECT_EQ(Ranges(CivilDay(2026, 5, 10), 0), (R{{2026, 510, 510}}));
  EXPECT_EQ(Ranges(CivilDay(2026, 5, 10), 7), (R{{2026, 510, 517}}));
  EXPECT_EQ(Ranges(CivilDay(2026, 5, 28), 7), (R{{2026, 528, 604}}));
  // Over the year end: the end of this year, then the start of the next.
  EXPECT_EQ(Ranges(CivilDay(2026, 12, 28), 7), (R{{2026, 1228, 1231}, {2027, 101, 104}}));
  // Feb 28 of a year without Feb 29 also reminds of Feb 29.
  EXPECT_EQ(Ranges(CivilDay(2027, 2, 28), 0), (R{{2027, 228, 229}}));
  EXPECT_EQ(Ranges(CivilDay(2027, 2, 25), 5), (R{{2027, 225, 302}}));
  EXPECT_EQ(Ranges(CivilDay(2028, 2, 28), 0), (R{{2028, 228, 228}}));
  EXPECT_EQ(Ranges(CivilDay(2028, 2, 28), 1), (R{{2028, 228, 229}}));
  // A whole year and a day: every month-day once, at its first occurrence.
  EXPECT_EQ(Ranges(CivilDay(2026, 5, 10), 366), (R{{2026, 510, 1231}, {2027, 101, 509}}));
  EXPECT_EQ(Ranges(CivilDay(2027, 3, 1), 366), (R{{2027, 301, 1231}, {2028, 101, 229}}));
  EXPECT_EQ(Ranges(CivilDay(2028, 2, 29), 366), (R{{2028, 229, 1231}, {2029, 101, 228}}));
}

TEST(CareRemindersTest, Feb29SortsWithFeb28InYearsWithoutIt) {
  EXPECT_EQ(RemindedMonthDay(2027, 229), 228);
  EXPECT_EQ(RemindedMonthDay(2028, 229), 229);
  EXPECT_EQ(RemindedMonthDay(2027, 301), 301);
}

}  // namespace
}  // namespace crm::customer
