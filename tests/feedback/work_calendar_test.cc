// The working calendar and the SLA schedule, without a database: the rules
// every deadline, pause and escalation of the feedback service follows.
#include "services/feedback/work_calendar.h"

#include <gtest/gtest.h>

#include "services/feedback/sla_schedule.h"

namespace crm::feedback {
namespace {

absl::TimeZone Shanghai() {
  absl::TimeZone zone;
  absl::LoadTimeZone("Asia/Shanghai", &zone);
  return zone;
}

absl::Time At(int y, int m, int d, int hh, int mm = 0) {
  return absl::FromCivil(absl::CivilSecond(y, m, d, hh, mm, 0), Shanghai());
}

// 09:00–12:00 and 13:00–18:00. Monday 2026-09-28 to Wednesday 09-30 are a
// holiday; Saturday 09-26 is worked instead (调休).
WorkCalendar HolidayWeek() {
  return WorkCalendar(Shanghai(), {{9 * 60, 12 * 60}, {13 * 60, 18 * 60}},
                      {{absl::CivilDay(2026, 9, 26), DayKind::kWorkingDay},
                       {absl::CivilDay(2026, 9, 28), DayKind::kHoliday},
                       {absl::CivilDay(2026, 9, 29), DayKind::kHoliday},
                       {absl::CivilDay(2026, 9, 30), DayKind::kHoliday}});
}

TEST(WorkCalendarTest, WeekdaysWorkWeekendsRestUnlessTheCalendarSaysOtherwise) {
  const WorkCalendar calendar = HolidayWeek();
  EXPECT_TRUE(calendar.IsWorkingDay(absl::CivilDay(2026, 9, 25)));   // Friday
  EXPECT_TRUE(calendar.IsWorkingDay(absl::CivilDay(2026, 9, 26)));   // make-up Saturday
  EXPECT_FALSE(calendar.IsWorkingDay(absl::CivilDay(2026, 9, 27)));  // Sunday
  EXPECT_FALSE(calendar.IsWorkingDay(absl::CivilDay(2026, 9, 28)));  // holiday Monday
  EXPECT_TRUE(calendar.IsWorkingDay(absl::CivilDay(2026, 10, 1)));   // Thursday
  EXPECT_FALSE(calendar.IsWorkingDay(absl::CivilDay(2026, 10, 3)));  // ordinary Saturday
}

TEST(WorkCalendarTest, SixteenWorkingHoursFromFridayAfternoonEndOnThursdayAfterTheHoliday) {
  const WorkCalendar calendar = HolidayWeek();
  // Friday 16:00–18:00 (2 h), the make-up Saturday (8 h), then Thursday
  // 09:00–12:00 and 13:00–16:00 (6 h).
  const absl::Time due = calendar.AddWorkingTime(At(2026, 9, 25, 16), absl::Hours(16));
  EXPECT_EQ(due, At(2026, 10, 1, 16));
  EXPECT_EQ(calendar.WorkingTimeBetween(At(2026, 9, 25, 16), due), absl::Hours(16));
  // Nights, the lunch break, Sunday and the holiday count for nothing.
  EXPECT_EQ(calendar.WorkingTimeBetween(At(2026, 9, 26, 18), At(2026, 10, 1, 9)),
            absl::ZeroDuration());
  EXPECT_EQ(calendar.WorkingTimeBetween(At(2026, 10, 1, 11, 30), At(2026, 10, 1, 13, 30)),
            absl::Hours(1));
}

TEST(WorkCalendarTest, TimeStartedOutsideWorkingHoursBeginsAtTheNextPeriod) {
  const WorkCalendar calendar = HolidayWeek();
  // Saturday 2026-10-03 evening: the next working time is Monday 10-05 09:00.
  EXPECT_EQ(calendar.AddWorkingTime(At(2026, 10, 3, 20), absl::Minutes(30)),
            At(2026, 10, 5, 9, 30));
  // A deadline that fills a period exactly ends there, not after the break.
  EXPECT_EQ(calendar.AddWorkingTime(At(2026, 10, 5, 9), absl::Hours(3)), At(2026, 10, 5, 12));
  EXPECT_EQ(calendar.AddWorkingTime(At(2026, 10, 5, 12, 30), absl::ZeroDuration()),
            At(2026, 10, 5, 12, 30));
}

TEST(WorkCalendarTest, WeeksCountWholeWorkingDaysBothWays) {
  const WorkCalendar calendar = HolidayWeek();
  // Four weeks from Monday 10-05: twenty working days of eight hours.
  EXPECT_EQ(calendar.WorkingTimeBetween(At(2026, 10, 5, 9), At(2026, 11, 2, 9)), absl::Hours(160));
  // The same amount added ends when the last of it is worked: Friday 18:00.
  EXPECT_EQ(calendar.AddWorkingTime(At(2026, 10, 5, 9), absl::Hours(160)), At(2026, 10, 30, 18));
  EXPECT_EQ(calendar.AddWorkingTime(At(2026, 10, 5, 9), absl::Hours(160) + absl::Minutes(1)),
            At(2026, 11, 2, 9, 1));
  // Across the holiday week: Friday 09-25 09:00 to Thursday 10-01 12:00 is
  // Friday 8 h, Saturday 8 h and Thursday 3 h.
  EXPECT_EQ(calendar.WorkingTimeBetween(At(2026, 9, 25, 9), At(2026, 10, 1, 12)), absl::Hours(19));
}

TEST(WorkCalendarTest, PeriodsMustBeSortedAndApart) {
  EXPECT_TRUE(CheckWorkPeriods({{540, 720}, {780, 1080}}, "periods").ok());
  EXPECT_TRUE(CheckWorkPeriods({{0, 1440}}, "periods").ok());
  EXPECT_FALSE(CheckWorkPeriods({}, "periods").ok());
  EXPECT_FALSE(CheckWorkPeriods({{720, 540}}, "periods").ok());
  EXPECT_FALSE(CheckWorkPeriods({{540, 800}, {780, 1080}}, "periods").ok());
  EXPECT_FALSE(CheckWorkPeriods({{0, 1441}}, "periods").ok());
}

SlaFacts FridayRequest() {
  SlaFacts facts;
  facts.started = At(2026, 9, 25, 16);
  facts.response_target = absl::Hours(1);
  facts.resolution_target = absl::Hours(16);
  return facts;
}

TEST(SlaScheduleTest, BothClocksRunFromCreationWithWarningsAtEightyPercent) {
  const SlaSchedule s = ScheduleSla(FridayRequest(), HolidayWeek(), absl::Hours(4));
  ASSERT_TRUE(s.response && s.resolution);
  EXPECT_EQ(s.response->warn, At(2026, 9, 25, 16, 48));
  EXPECT_EQ(s.response->due, At(2026, 9, 25, 17));
  EXPECT_EQ(s.resolution->due, At(2026, 10, 1, 16));
  // 12.8 h of 16: Friday 2 h, Saturday 8 h, Thursday 2 h 48 min.
  EXPECT_EQ(s.resolution->warn, At(2026, 10, 1, 11, 48));
  // Four working hours after the resolution deadline: Friday 10-02 11:00.
  EXPECT_EQ(s.resolution->above, At(2026, 10, 2, 11));
  EXPECT_EQ(*s.at_risk_from, At(2026, 9, 25, 16, 48));
  EXPECT_EQ(*s.breach_at, At(2026, 9, 25, 17));
  EXPECT_EQ(*s.next_escalation, At(2026, 9, 25, 16, 48));
}

TEST(SlaScheduleTest, APauseMovesTheResolutionDeadlineByItsWorkingTime) {
  const WorkCalendar calendar = HolidayWeek();
  SlaFacts facts = FridayRequest();
  facts.responded = At(2026, 9, 25, 16, 30);
  // Waiting for the customer from Saturday 10:00 …
  facts.paused_since = At(2026, 9, 26, 10);
  SlaSchedule paused = ScheduleSla(facts, calendar, absl::Hours(4));
  EXPECT_FALSE(paused.response || paused.resolution);
  EXPECT_FALSE(paused.breach_at || paused.next_escalation);
  // Friday 2 h + Saturday 1 h of the target used; the clock stands still.
  EXPECT_EQ(ResolutionTimeUsed(facts, calendar, At(2026, 10, 1, 9)), absl::Hours(3));
  EXPECT_EQ(ResponseTimeUsed(facts, calendar, At(2026, 10, 1, 9)), absl::Minutes(30));
  // … until Thursday 10:00: 7 h on Saturday and 1 h on Thursday paused.
  facts.paused = calendar.WorkingTimeBetween(*facts.paused_since, At(2026, 10, 1, 10));
  facts.paused_since.reset();
  EXPECT_EQ(facts.paused, absl::Hours(8));
  const SlaSchedule resumed = ScheduleSla(facts, calendar, absl::Hours(4));
  ASSERT_TRUE(resumed.resolution);
  EXPECT_FALSE(resumed.response);  // responded: that clock stopped
  EXPECT_EQ(resumed.resolution->due, At(2026, 10, 2, 16));
  EXPECT_EQ(ResolutionTimeUsed(facts, calendar, At(2026, 10, 1, 10)), absl::Hours(3));
}

TEST(SlaScheduleTest, EachEscalationLevelIsDueOnceItsInstantHasPassed) {
  const ClockInstants clock{At(2026, 10, 1, 11, 48), At(2026, 10, 1, 16), At(2026, 10, 2, 11)};
  EXPECT_EQ(EscalationLevelDue(clock, 0, At(2026, 10, 1, 11)), 0);
  EXPECT_EQ(EscalationLevelDue(clock, 0, At(2026, 10, 1, 11, 48)), 1);
  EXPECT_EQ(EscalationLevelDue(clock, 1, At(2026, 10, 1, 15)), 1);
  EXPECT_EQ(EscalationLevelDue(clock, 0, At(2026, 10, 1, 17)), 2);  // two at once, after a stop
  EXPECT_EQ(EscalationLevelDue(clock, 2, At(2026, 10, 5, 9)), 3);
  EXPECT_EQ(EscalationLevelDue(clock, 3, At(2027, 1, 1, 9)), 3);  // nothing above 3
  // The next escalation after the ones fired.
  SlaFacts facts = FridayRequest();
  facts.response_level = 3;
  facts.resolution_level = 1;
  const SlaSchedule s = ScheduleSla(facts, HolidayWeek(), absl::Hours(4));
  EXPECT_EQ(*s.next_escalation, At(2026, 10, 1, 16));
}

}  // namespace
}  // namespace crm::feedback
