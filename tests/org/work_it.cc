// Work logs (R27) and weekly plans (R28) against a real MariaDB: days, visibility, review cycle.
#include <cppconn/prepared_statement.h>
#include <cppconn/resultset.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "common/base/dates.h"
#include "services/org/weekly_plan_repository.h"
#include "services/org/work_handlers.h"
#include "services/org/work_log_repository.h"
#include "tests/org/org_fixture.h"
#include "tests/org/org_structure.h"

namespace crm::org {
namespace {

// A person of the test company: their employee record and how they call.
struct Person {
  int64_t employee_id = 0;
  int64_t department_id = 0;
  std::string department_path;
  CallContext call;
};

// Company (/c/) with Sales (/c/s/) and its two teams East and West; Alice and
// Bob sell in East and West, Eve heads East, Wendy heads West, Sam heads Sales.
class WorkFixture : public testing::OrgDatabaseTest {
 protected:
  void SetUp() override {
    OrgDatabaseTest::SetUp();
    if (HasFatalFailure()) return;
    zone_ = absl::FixedTimeZone(8 * 3600);
    structure_ = std::make_unique<testing::OrgStructure>(*db_);
    work_logs_ = std::make_unique<WorkLogRepository>(*db_);
    weekly_plans_ = std::make_unique<WeeklyPlanRepository>(*db_);
    handlers_ = std::make_unique<WorkHandlers>(
        WorkRepositories{*work_logs_, *weekly_plans_, structure_->employees,
                         structure_->departments},
        zone_);
    company_ = Department("Company", 0);
    sales_ = Department("Sales", company_.id());
    east_ = Department("East", sales_.id());
    west_ = Department("West", sales_.id());
    alice_ = Hire(10, "Alice", east_, Bit(Role::kSales));
    bob_ = Hire(11, "Bob", west_, Bit(Role::kSales));
    eve_ = Hire(12, "Eve", east_, Bit(Role::kDepartmentHead));
    wendy_ = Hire(13, "Wendy", west_, Bit(Role::kDepartmentHead));
    sam_ = Hire(14, "Sam", sales_, Bit(Role::kDepartmentHead));
  }

  v1::Department Department(const std::string& name, int64_t parent_id) {
    v1::Department d;
    d.set_name(name);
    d.set_parent_id(parent_id);
    absl::StatusOr<v1::Department> created = structure_->departments.Create(Admin(), d, "");
    EXPECT_TRUE(created.ok()) << created.status();
    return created.ok() ? *created : v1::Department();
  }

  Person Hire(int64_t user_id, const std::string& name, const v1::Department& department,
              RoleSet roles) {
    v1::Employee e;
    e.set_name(name);
    e.set_department_id(department.id());
    absl::StatusOr<v1::Employee> created = structure_->employees.Create(Admin(), e, "");
    EXPECT_TRUE(created.ok()) << created.status();
    Person p;
    p.employee_id = created.ok() ? created->id() : 0;
    p.department_id = department.id();
    p.department_path = department.path();
    p.call = As(user_id, roles, p.employee_id, department.id(), department.path());
    return p;
  }

  int64_t Changes(const std::string& entity_type) {
    return Count(
        absl::StrCat("SELECT COUNT(*) FROM change_log WHERE entity_type = '", entity_type, "'"));
  }

  std::string Today() const { return FormatIsoDate(absl::ToCivilDay(absl::Now(), zone_)); }

  absl::StatusOr<v1::WorkLog> Write(const Person& who, const std::string& content,
                                    const std::string& etag = "",
                                    const std::string& request_id = "") {
    v1::WriteWorkLogRequest request;
    request.set_content(content);
    request.set_etag(etag);
    request.set_request_id(request_id);
    v1::WorkLog log;
    absl::Status status = handlers_->WriteWorkLog(who.call, request, &log);
    if (!status.ok()) return status;
    return log;
  }

  // A log of an earlier day, as if written then (the API only writes today's).
  void PastLog(const Person& who, const std::string& day, const std::string& content) {
    auto c = pool_->Acquire();
    sql::PreparedStatement& insert = (*c)->Prepare(
        "INSERT INTO work_logs (employee_id, employee_name, department_id, department_path,"
        " log_date, content, version, created_at, updated_at)"
        " VALUES (?, 'someone', ?, ?, ?, ?, 1, UTC_TIMESTAMP(6), UTC_TIMESTAMP(6))");
    insert.setInt64(1, who.employee_id);
    insert.setInt64(2, who.department_id);
    insert.setString(3, who.department_path);
    insert.setString(4, day);
    insert.setString(5, content);
    insert.executeUpdate();
  }

  absl::StatusOr<v1::ListWorkLogsResponse> Logs(const CallContext& call,
                                                v1::ListWorkLogsRequest request = {}) {
    v1::ListWorkLogsResponse response;
    absl::Status status = handlers_->ListWorkLogs(call, request, &response);
    if (!status.ok()) return status;
    return response;
  }

  // Contents of the visible logs, in the order served.
  std::vector<std::string> Contents(const CallContext& call,
                                    const v1::ListWorkLogsRequest& request = {}) {
    absl::StatusOr<v1::ListWorkLogsResponse> response = Logs(call, request);
    EXPECT_TRUE(response.ok()) << response.status();
    std::vector<std::string> contents;
    if (response.ok()) {
      for (const v1::WorkLog& log : response->work_logs()) contents.push_back(log.content());
    }
    return contents;
  }

  // The Monday of this week and of `weeks` weeks later.
  static std::string Monday(int weeks = 0) {
    absl::CivilDay day = absl::ToCivilDay(absl::Now(), absl::UTCTimeZone());
    while (absl::GetWeekday(day) != absl::Weekday::monday) --day;
    return FormatIsoDate(day + 7 * weeks);
  }

  static v1::PlanTask Task(const std::string& title,
                           v1::TaskStatus status = v1::TASK_STATUS_UNSPECIFIED) {
    v1::PlanTask t;
    t.set_title(title);
    t.set_detail("详情\n第二行");
    t.set_status(status);
    return t;
  }

  absl::StatusOr<v1::WeeklyPlan> Save(const Person& who, const std::string& week,
                                      std::vector<v1::PlanTask> tasks, const std::string& etag = "",
                                      const std::string& request_id = "") {
    v1::SaveWeeklyPlanRequest request;
    request.set_week_start(week);
    for (v1::PlanTask& t : tasks) *request.add_tasks() = std::move(t);
    request.set_etag(etag);
    request.set_request_id(request_id);
    v1::WeeklyPlan plan;
    absl::Status status = handlers_->SaveWeeklyPlan(who.call, request, &plan);
    if (!status.ok()) return status;
    return plan;
  }

  absl::StatusOr<v1::WeeklyPlan> Submit(const CallContext& call, int64_t id,
                                        const std::string& etag = "") {
    v1::SubmitWeeklyPlanRequest request;
    request.set_id(id);
    request.set_etag(etag);
    v1::WeeklyPlan plan;
    absl::Status status = handlers_->SubmitWeeklyPlan(call, request, &plan);
    if (!status.ok()) return status;
    return plan;
  }

  absl::StatusOr<v1::WeeklyPlan> Review(const CallContext& call, int64_t id, bool approve,
                                        const std::string& comment = "",
                                        const std::string& etag = "") {
    v1::ReviewWeeklyPlanRequest request;
    request.set_id(id);
    request.set_approve(approve);
    request.set_comment(comment);
    request.set_etag(etag);
    v1::WeeklyPlan plan;
    absl::Status status = handlers_->ReviewWeeklyPlan(call, request, &plan);
    if (!status.ok()) return status;
    return plan;
  }

  absl::StatusOr<v1::WeeklyPlan> Get(const CallContext& call, int64_t id) {
    v1::GetWeeklyPlanRequest request;
    request.set_id(id);
    v1::WeeklyPlan plan;
    absl::Status status = handlers_->GetWeeklyPlan(call, request, &plan);
    if (!status.ok()) return status;
    return plan;
  }

  absl::StatusOr<v1::ListWeeklyPlansResponse> Plans(const CallContext& call,
                                                    v1::ListWeeklyPlansRequest request = {}) {
    v1::ListWeeklyPlansResponse response;
    absl::Status status = handlers_->ListWeeklyPlans(call, request, &response);
    if (!status.ok()) return status;
    return response;
  }

  // Employee ids of the visible plans, in the order served.
  std::vector<int64_t> PlanOwners(const CallContext& call,
                                  const v1::ListWeeklyPlansRequest& request = {}) {
    absl::StatusOr<v1::ListWeeklyPlansResponse> response = Plans(call, request);
    EXPECT_TRUE(response.ok()) << response.status();
    std::vector<int64_t> owners;
    if (response.ok()) {
      for (const v1::WeeklyPlan& p : response->weekly_plans()) owners.push_back(p.employee_id());
    }
    return owners;
  }

  absl::TimeZone zone_;
  std::unique_ptr<testing::OrgStructure> structure_;
  std::unique_ptr<WorkLogRepository> work_logs_;
  std::unique_ptr<WeeklyPlanRepository> weekly_plans_;
  std::unique_ptr<WorkHandlers> handlers_;
  v1::Department company_, sales_, east_, west_;
  Person alice_, bob_, eve_, wendy_, sam_;
};

using Strings = std::vector<std::string>;
using Ids = std::vector<int64_t>;

template <typename T>
std::vector<T> Sorted(std::vector<T> v) {
  std::sort(v.begin(), v.end());
  return v;
}

// Whether an error's message names `field` (FieldViolations lists each one).
bool Names(const absl::Status& status, const std::string& field) {
  return absl::StrContains(status.message(), field);
}

constexpr char kWorkLogType[] = "crm.org.v1.WorkLog";
constexpr char kPlanType[] = "crm.org.v1.WeeklyPlan";

// ------------------------------------------------------------------ work logs

using WorkLogTest = WorkFixture;

TEST_F(WorkLogTest, FirstWriteCreatesTodaysLogAndLaterWritesReplaceIt) {
  absl::StatusOr<v1::WorkLog> first = Write(alice_, "拜访客户 A\n整理报价");
  ASSERT_TRUE(first.ok()) << first.status();
  EXPECT_GT(first->id(), 0);
  EXPECT_EQ(first->log_date(), Today());
  EXPECT_EQ(first->employee_id(), alice_.employee_id);
  EXPECT_EQ(first->employee_name(), "Alice");
  EXPECT_EQ(first->department_id(), east_.id());
  EXPECT_EQ(first->content(), "拜访客户 A\n整理报价");
  EXPECT_EQ(first->etag(), "1");

  absl::StatusOr<v1::WorkLog> second = Write(alice_, "改写的内容", first->etag());
  ASSERT_TRUE(second.ok()) << second.status();
  EXPECT_EQ(second->id(), first->id());
  EXPECT_EQ(second->log_date(), Today());
  EXPECT_EQ(second->content(), "改写的内容");
  EXPECT_EQ(second->etag(), "2");
  EXPECT_EQ(second->create_time().seconds(), first->create_time().seconds());

  // Without an etag, a write simply replaces today's log.
  absl::StatusOr<v1::WorkLog> third = Write(alice_, "third");
  ASSERT_TRUE(third.ok()) << third.status();
  EXPECT_EQ(third->id(), first->id());
  EXPECT_EQ(third->etag(), "3");

  EXPECT_EQ(Count("SELECT COUNT(*) FROM work_logs"), 1);
  EXPECT_EQ(Count(absl::StrCat("SELECT COUNT(*) FROM change_log WHERE entity_type = '",
                               kWorkLogType, "' AND operation = 1")),
            1);
  EXPECT_EQ(Count(absl::StrCat("SELECT COUNT(*) FROM change_log WHERE entity_type = '",
                               kWorkLogType, "' AND operation = 2")),
            2);
}

TEST_F(WorkLogTest, ARetriedFirstWriteReturnsTheSameLog) {
  absl::StatusOr<v1::WorkLog> first = Write(alice_, "first", "", "write-1");
  ASSERT_TRUE(first.ok()) << first.status();
  // The retry (say the answer was lost) returns what the first call made,
  // even with other content: it is the same request.
  absl::StatusOr<v1::WorkLog> retry = Write(alice_, "first, again", "", "write-1");
  ASSERT_TRUE(retry.ok()) << retry.status();
  EXPECT_EQ(retry->id(), first->id());
  EXPECT_EQ(retry->content(), "first");
  EXPECT_EQ(retry->etag(), "1");
  EXPECT_EQ(Count("SELECT COUNT(*) FROM work_logs"), 1);
  EXPECT_EQ(Count(absl::StrCat("SELECT COUNT(*) FROM change_log WHERE entity_type = '",
                               kWorkLogType, "'")),
            1);
}

TEST_F(WorkLogTest, StaleEtagIsAbortedAndChangesNothing) {
  absl::StatusOr<v1::WorkLog> first = Write(alice_, "one");
  ASSERT_TRUE(first.ok()) << first.status();
  ASSERT_TRUE(Write(alice_, "two", first->etag()).ok());
  absl::StatusOr<v1::WorkLog> stale = Write(alice_, "three", first->etag());
  EXPECT_EQ(stale.status().code(), absl::StatusCode::kAborted) << stale.status();
  EXPECT_EQ(Contents(alice_.call), std::vector<std::string>{"two"});
  EXPECT_EQ(Changes(kWorkLogType), 2);
}

TEST_F(WorkLogTest, EtagWithoutALogTodayIsAborted) {
  // E.g. yesterday's log read before midnight: it is not today's.
  absl::StatusOr<v1::WorkLog> log = Write(alice_, "content", "1");
  EXPECT_EQ(log.status().code(), absl::StatusCode::kAborted) << log.status();
  EXPECT_EQ(Count("SELECT COUNT(*) FROM work_logs"), 0);
  EXPECT_EQ(Changes(kWorkLogType), 0);
}

TEST_F(WorkLogTest, ANonEmployeeIsRefused) {
  Person nobody;
  nobody.call = Admin();  // an administrator without an employee record
  absl::StatusOr<v1::WorkLog> log = Write(nobody, "content");
  EXPECT_EQ(log.status().code(), absl::StatusCode::kFailedPrecondition) << log.status();
  Person ghost;
  ghost.call = As(99, Bit(Role::kSales), /*employee_id=*/9999, east_.id(), east_.path());
  EXPECT_EQ(Write(ghost, "content").status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM work_logs"), 0);
  EXPECT_EQ(Changes(kWorkLogType), 0);
}

TEST_F(WorkLogTest, ContentIsRequiredAndLimited) {
  absl::StatusOr<v1::WorkLog> empty = Write(alice_, " \n ");
  EXPECT_EQ(empty.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(Names(empty.status(), "content"));
  absl::StatusOr<v1::WorkLog> too_long = Write(alice_, std::string(10001, 'x'));
  EXPECT_EQ(too_long.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(Names(too_long.status(), "content"));
  std::string longest;
  for (int i = 0; i < 10000; ++i) longest += "字";
  EXPECT_TRUE(Write(alice_, longest).ok());
  EXPECT_EQ(Changes(kWorkLogType), 1);
}

TEST_F(WorkLogTest, SalesSeeOnlyTheirOwnLogs) {
  ASSERT_TRUE(Write(alice_, "alice").ok());
  ASSERT_TRUE(Write(bob_, "bob").ok());
  EXPECT_EQ(Contents(alice_.call), std::vector<std::string>{"alice"});
  EXPECT_EQ(Contents(bob_.call), std::vector<std::string>{"bob"});
  // Asking for the other's logs explicitly shows nothing either.
  v1::ListWorkLogsRequest request;
  request.set_employee_id(bob_.employee_id);
  absl::StatusOr<v1::ListWorkLogsResponse> response = Logs(alice_.call, request);
  ASSERT_TRUE(response.ok()) << response.status();
  EXPECT_EQ(response->work_logs_size(), 0);
  EXPECT_EQ(response->total_size(), 0);
}

TEST_F(WorkLogTest, DepartmentHeadsSeeTheirSubtreeAndAdministratorsEverything) {
  ASSERT_TRUE(Write(alice_, "alice").ok());
  ASSERT_TRUE(Write(bob_, "bob").ok());
  ASSERT_TRUE(Write(eve_, "eve").ok());
  ASSERT_TRUE(Write(sam_, "sam").ok());
  EXPECT_EQ(Sorted(Contents(eve_.call)), Sorted(Strings{"alice", "eve"}));
  EXPECT_EQ(Sorted(Contents(wendy_.call)), Sorted(Strings{"bob"}));
  EXPECT_EQ(Sorted(Contents(sam_.call)), Sorted(Strings{"alice", "bob", "eve", "sam"}));
  EXPECT_EQ(Sorted(Contents(Admin())), Sorted(Strings{"alice", "bob", "eve", "sam"}));
  EXPECT_EQ(Sorted(Contents(As(50, Bit(Role::kManagement)))),
            Sorted(Strings{"alice", "bob", "eve", "sam"}));

  // The department filter covers the subtree, within what the caller sees.
  v1::ListWorkLogsRequest by_sales;
  by_sales.set_department_id(sales_.id());
  EXPECT_EQ(Sorted(Contents(Admin(), by_sales)), Sorted(Strings{"alice", "bob", "eve", "sam"}));
  EXPECT_EQ(Sorted(Contents(eve_.call, by_sales)), Sorted(Strings{"alice", "eve"}));
  v1::ListWorkLogsRequest by_west;
  by_west.set_department_id(west_.id());
  EXPECT_EQ(Contents(Admin(), by_west), (Strings{"bob"}));
  EXPECT_TRUE(Contents(eve_.call, by_west).empty());
  v1::ListWorkLogsRequest by_employee;
  by_employee.set_employee_id(alice_.employee_id);
  EXPECT_EQ(Contents(sam_.call, by_employee), (Strings{"alice"}));
  v1::ListWorkLogsRequest unknown;
  unknown.set_department_id(424242);
  EXPECT_EQ(Logs(Admin(), unknown).status().code(), absl::StatusCode::kNotFound);
}

TEST_F(WorkLogTest, DateFiltersOrderAndPaging) {
  PastLog(alice_, "2024-03-01", "d1");
  PastLog(alice_, "2024-03-02", "d2");
  PastLog(bob_, "2024-03-02", "b2");
  PastLog(alice_, "2024-03-03", "d3");
  PastLog(alice_, "2024-03-05", "d5");

  v1::ListWorkLogsRequest range;
  range.set_start_date("2024-03-02");
  range.set_end_date("2024-03-03");
  EXPECT_EQ(Contents(alice_.call, range), (Strings{"d3", "d2"}));
  EXPECT_EQ(Contents(Admin(), range), (Strings{"d3", "d2", "b2"}));
  v1::ListWorkLogsRequest one_day;
  one_day.set_start_date("2024-03-05");
  one_day.set_end_date("2024-03-05");
  EXPECT_EQ(Contents(alice_.call, one_day), (Strings{"d5"}));
  v1::ListWorkLogsRequest from;
  from.set_start_date("2024-03-03");
  EXPECT_EQ(Contents(alice_.call, from), (Strings{"d5", "d3"}));

  // Newest day first, then id, two at a time; total_size counts every match.
  v1::ListWorkLogsRequest page;
  page.set_page_size(2);
  std::vector<std::string> seen;
  for (int i = 0; i < 10; ++i) {
    absl::StatusOr<v1::ListWorkLogsResponse> response = Logs(Admin(), page);
    ASSERT_TRUE(response.ok()) << response.status();
    EXPECT_EQ(response->total_size(), 5);
    for (const v1::WorkLog& log : response->work_logs()) seen.push_back(log.content());
    if (response->next_page_token().empty()) break;
    page.set_page_token(response->next_page_token());
  }
  EXPECT_EQ(seen, (Strings{"d5", "d3", "d2", "b2", "d1"}));

  // A token is bound to its filters.
  v1::ListWorkLogsRequest other = range;
  other.set_page_token(page.page_token());
  EXPECT_EQ(Logs(Admin(), other).status().code(), absl::StatusCode::kInvalidArgument);
}

TEST_F(WorkLogTest, BadDatesAreRefusedNamingTheField) {
  struct Case {
    std::string start, end, field;
  };
  for (const Case& c : {Case{"2024-13-01", "", "start_date"}, Case{"2024-3-1", "", "start_date"},
                        Case{"", "2024-02-30", "end_date"}, Case{"", "yesterday", "end_date"},
                        Case{"2024-03-05", "2024-03-04", "end_date"}}) {
    v1::ListWorkLogsRequest request;
    request.set_start_date(c.start);
    request.set_end_date(c.end);
    absl::Status status = Logs(Admin(), request).status();
    EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument) << c.start << ".." << c.end;
    EXPECT_TRUE(Names(status, c.field)) << status;
  }
  v1::ListWorkLogsRequest negative;
  negative.set_page_size(-1);
  EXPECT_EQ(Logs(Admin(), negative).status().code(), absl::StatusCode::kInvalidArgument);
}

// --------------------------------------------------------------- weekly plans

using WeeklyPlanTest = WorkFixture;

TEST_F(WeeklyPlanTest, SaveSubmitAndApproveByTheHead) {
  absl::StatusOr<v1::WeeklyPlan> saved =
      Save(alice_, Monday(), {Task("拜访华东电气"), Task("报价", v1::TASK_STATUS_IN_PROGRESS)});
  ASSERT_TRUE(saved.ok()) << saved.status();
  EXPECT_EQ(saved->status(), v1::WEEKLY_PLAN_STATUS_DRAFT);
  EXPECT_EQ(saved->week_start(), Monday());
  EXPECT_EQ(saved->employee_id(), alice_.employee_id);
  EXPECT_EQ(saved->employee_name(), "Alice");
  EXPECT_EQ(saved->department_id(), east_.id());
  ASSERT_EQ(saved->tasks_size(), 2);
  EXPECT_EQ(saved->tasks(0).title(), "拜访华东电气");
  EXPECT_EQ(saved->tasks(0).detail(), "详情\n第二行");
  EXPECT_EQ(saved->tasks(0).status(), v1::TASK_STATUS_PLANNED);  // the default
  EXPECT_EQ(saved->tasks(1).status(), v1::TASK_STATUS_IN_PROGRESS);
  EXPECT_FALSE(saved->has_submit_time());

  // Saving again the same week replaces the tasks of the same plan.
  absl::StatusOr<v1::WeeklyPlan> resaved =
      Save(alice_, Monday(), {Task("只剩一项")}, saved->etag());
  ASSERT_TRUE(resaved.ok()) << resaved.status();
  EXPECT_EQ(resaved->id(), saved->id());
  ASSERT_EQ(resaved->tasks_size(), 1);
  EXPECT_EQ(resaved->tasks(0).title(), "只剩一项");

  absl::StatusOr<v1::WeeklyPlan> submitted = Submit(alice_.call, saved->id());
  ASSERT_TRUE(submitted.ok()) << submitted.status();
  EXPECT_EQ(submitted->status(), v1::WEEKLY_PLAN_STATUS_SUBMITTED);
  EXPECT_TRUE(submitted->has_submit_time());

  // A submitted plan is frozen for its author.
  EXPECT_EQ(Save(alice_, Monday(), {Task("late edit")}).status().code(),
            absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(Submit(alice_.call, saved->id()).status().code(),
            absl::StatusCode::kFailedPrecondition);

  absl::StatusOr<v1::WeeklyPlan> approved = Review(eve_.call, saved->id(), true, "很好");
  ASSERT_TRUE(approved.ok()) << approved.status();
  EXPECT_EQ(approved->status(), v1::WEEKLY_PLAN_STATUS_APPROVED);
  EXPECT_EQ(approved->review_comment(), "很好");
  EXPECT_EQ(approved->reviewer_user_id(), eve_.call.caller.user_id);
  EXPECT_TRUE(approved->has_review_time());
  ASSERT_EQ(approved->tasks_size(), 1);
  EXPECT_EQ(Review(eve_.call, saved->id(), true).status().code(),
            absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(Save(alice_, Monday(), {Task("after approval")}).status().code(),
            absl::StatusCode::kFailedPrecondition);

  absl::StatusOr<v1::WeeklyPlan> read = Get(alice_.call, saved->id());
  ASSERT_TRUE(read.ok()) << read.status();
  EXPECT_EQ(read->status(), v1::WEEKLY_PLAN_STATUS_APPROVED);
  EXPECT_EQ(read->etag(), approved->etag());
  // create, save, submit, review.
  EXPECT_EQ(Changes(kPlanType), 4);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM weekly_plans"), 1);
}

TEST_F(WeeklyPlanTest, AReturnedPlanCanBeEditedAndResubmitted) {
  absl::StatusOr<v1::WeeklyPlan> plan = Save(alice_, Monday(1), {Task("first draft")});
  ASSERT_TRUE(plan.ok()) << plan.status();
  ASSERT_TRUE(Submit(alice_.call, plan->id()).ok());
  // Sam heads Sales, the parent of East: Alice's plan is in his subtree too.
  absl::StatusOr<v1::WeeklyPlan> returned = Review(sam_.call, plan->id(), false, "补充客户名");
  ASSERT_TRUE(returned.ok()) << returned.status();
  EXPECT_EQ(returned->status(), v1::WEEKLY_PLAN_STATUS_RETURNED);
  EXPECT_EQ(returned->review_comment(), "补充客户名");

  absl::StatusOr<v1::WeeklyPlan> edited =
      Save(alice_, Monday(1), {Task("拜访华东电气"), Task("second")}, returned->etag());
  ASSERT_TRUE(edited.ok()) << edited.status();
  EXPECT_EQ(edited->status(), v1::WEEKLY_PLAN_STATUS_RETURNED);
  EXPECT_EQ(edited->tasks_size(), 2);
  absl::StatusOr<v1::WeeklyPlan> resubmitted = Submit(alice_.call, plan->id(), edited->etag());
  ASSERT_TRUE(resubmitted.ok()) << resubmitted.status();
  EXPECT_EQ(resubmitted->status(), v1::WEEKLY_PLAN_STATUS_SUBMITTED);
  absl::StatusOr<v1::WeeklyPlan> approved = Review(eve_.call, plan->id(), true);
  ASSERT_TRUE(approved.ok()) << approved.status();
  EXPECT_EQ(approved->status(), v1::WEEKLY_PLAN_STATUS_APPROVED);
}

TEST_F(WeeklyPlanTest, ReviewNeedsASubmittedPlanOfSomeoneElseInScope) {
  absl::StatusOr<v1::WeeklyPlan> alice = Save(alice_, Monday(), {Task("a")});
  ASSERT_TRUE(alice.ok()) << alice.status();
  // Still a draft.
  EXPECT_EQ(Review(eve_.call, alice->id(), true).status().code(),
            absl::StatusCode::kFailedPrecondition);
  ASSERT_TRUE(Submit(alice_.call, alice->id()).ok());
  // Wendy heads West, a sibling of East: for her the plan does not exist.
  EXPECT_EQ(Review(wendy_.call, alice->id(), true).status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(Get(wendy_.call, alice->id()).status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(Review(wendy_.call, 987654, true).status().code(), absl::StatusCode::kNotFound);

  // Eve's own plan is in her subtree, but nobody reviews their own plan.
  absl::StatusOr<v1::WeeklyPlan> eve = Save(eve_, Monday(), {Task("e")});
  ASSERT_TRUE(eve.ok()) << eve.status();
  ASSERT_TRUE(Submit(eve_.call, eve->id()).ok());
  EXPECT_EQ(Review(eve_.call, eve->id(), true).status().code(),
            absl::StatusCode::kPermissionDenied);
  // Sam, above her, can.
  EXPECT_TRUE(Review(sam_.call, eve->id(), true).ok());

  absl::StatusOr<v1::WeeklyPlan> too_long =
      Review(eve_.call, alice->id(), true, std::string(2001, 'c'));
  EXPECT_EQ(too_long.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(Names(too_long.status(), "comment"));
  // Nothing above changed Alice's plan: create and submit only.
  absl::StatusOr<v1::WeeklyPlan> read = Get(Admin(), alice->id());
  ASSERT_TRUE(read.ok());
  EXPECT_EQ(read->status(), v1::WEEKLY_PLAN_STATUS_SUBMITTED);
  EXPECT_EQ(read->etag(), "2");
}

TEST_F(WeeklyPlanTest, OnlyTheAuthorSubmits) {
  absl::StatusOr<v1::WeeklyPlan> plan = Save(alice_, Monday(), {Task("a")});
  ASSERT_TRUE(plan.ok()) << plan.status();
  EXPECT_EQ(Submit(bob_.call, plan->id()).status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(Submit(eve_.call, plan->id()).status().code(), absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(Submit(Admin(), plan->id()).status().code(), absl::StatusCode::kPermissionDenied);
  absl::StatusOr<v1::WeeklyPlan> read = Get(alice_.call, plan->id());
  ASSERT_TRUE(read.ok());
  EXPECT_EQ(read->status(), v1::WEEKLY_PLAN_STATUS_DRAFT);
}

TEST_F(WeeklyPlanTest, WeekStartMustBeAMondayAndTasksAreChecked) {
  absl::CivilDay monday;
  ASSERT_TRUE(absl::ParseCivilTime(Monday(), &monday));
  for (const std::string& week : {FormatIsoDate(monday + 1), FormatIsoDate(monday - 1),
                                  std::string("2024-02-30"), std::string("")}) {
    absl::Status status = Save(alice_, week, {Task("a")}).status();
    EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument) << week;
    EXPECT_TRUE(Names(status, "week_start"));
  }
  std::vector<v1::PlanTask> many(51, Task("t"));
  EXPECT_TRUE(Names(Save(alice_, Monday(), many).status(), "tasks"));
  std::vector<v1::PlanTask> fifty(50, Task("t"));
  EXPECT_TRUE(Save(alice_, Monday(2), fifty).ok());
  absl::Status untitled = Save(alice_, Monday(), {Task("ok"), Task("  ")}).status();
  EXPECT_EQ(untitled.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(Names(untitled, "tasks[1].title"));
  absl::Status bad_status =
      Save(alice_, Monday(), {Task("x", static_cast<v1::TaskStatus>(42))}).status();
  EXPECT_TRUE(Names(bad_status, "tasks[0].status"));
  absl::Status long_title = Save(alice_, Monday(), {Task(std::string(201, 't'))}).status();
  EXPECT_TRUE(Names(long_title, "tasks[0].title"));
  Person nobody;
  nobody.call = Admin();
  EXPECT_EQ(Save(nobody, Monday(), {Task("a")}).status().code(),
            absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM weekly_plans"), 1);  // the fifty-task one
}

TEST_F(WeeklyPlanTest, VisibilityFiltersAndPaging) {
  ASSERT_TRUE(Save(alice_, Monday(), {Task("a0")}).ok());
  ASSERT_TRUE(Save(alice_, Monday(1), {Task("a1")}).ok());
  absl::StatusOr<v1::WeeklyPlan> bob = Save(bob_, Monday(), {Task("b0")});
  ASSERT_TRUE(bob.ok());
  ASSERT_TRUE(Submit(bob_.call, bob->id()).ok());
  ASSERT_TRUE(Save(eve_, Monday(), {Task("e0")}).ok());

  EXPECT_EQ(PlanOwners(alice_.call), (Ids{alice_.employee_id, alice_.employee_id}));
  EXPECT_EQ(PlanOwners(bob_.call), (Ids{bob_.employee_id}));
  EXPECT_EQ(Get(bob_.call, bob->id()).status().code(), absl::StatusCode::kOk);
  EXPECT_EQ(Get(alice_.call, bob->id()).status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(Sorted(PlanOwners(eve_.call)),
            Sorted(Ids{alice_.employee_id, alice_.employee_id, eve_.employee_id}));
  EXPECT_EQ(PlanOwners(wendy_.call), (Ids{bob_.employee_id}));
  EXPECT_EQ(PlanOwners(Admin()).size(), 4u);

  v1::ListWeeklyPlansRequest submitted;
  submitted.set_status(v1::WEEKLY_PLAN_STATUS_SUBMITTED);
  EXPECT_EQ(PlanOwners(Admin(), submitted), (Ids{bob_.employee_id}));
  v1::ListWeeklyPlansRequest next_week;
  next_week.set_week_start(Monday(1));
  EXPECT_EQ(PlanOwners(Admin(), next_week), (Ids{alice_.employee_id}));
  v1::ListWeeklyPlansRequest of_alice;
  of_alice.set_employee_id(alice_.employee_id);
  EXPECT_TRUE(PlanOwners(wendy_.call, of_alice).empty());
  v1::ListWeeklyPlansRequest tuesday;
  tuesday.set_week_start(FormatIsoDate(*ParseIsoDate(Monday()) + 1));
  EXPECT_EQ(Plans(Admin(), tuesday).status().code(), absl::StatusCode::kInvalidArgument);

  // Newest week first, then id; pages of one keep the order and the tasks.
  v1::ListWeeklyPlansRequest page;
  page.set_page_size(1);
  std::vector<std::string> titles;
  for (int i = 0; i < 10; ++i) {
    absl::StatusOr<v1::ListWeeklyPlansResponse> response = Plans(Admin(), page);
    ASSERT_TRUE(response.ok()) << response.status();
    EXPECT_EQ(response->total_size(), 4);
    for (const v1::WeeklyPlan& p : response->weekly_plans()) {
      ASSERT_EQ(p.tasks_size(), 1);
      titles.push_back(p.tasks(0).title());
    }
    if (response->next_page_token().empty()) break;
    page.set_page_token(response->next_page_token());
  }
  EXPECT_EQ(titles, (Strings{"a1", "a0", "b0", "e0"}));
}

TEST_F(WeeklyPlanTest, ARetriedFirstSaveReturnsTheSamePlan) {
  absl::StatusOr<v1::WeeklyPlan> first = Save(alice_, Monday(), {Task("a")}, "", "save-1");
  ASSERT_TRUE(first.ok()) << first.status();
  absl::StatusOr<v1::WeeklyPlan> retry = Save(alice_, Monday(), {Task("a")}, "", "save-1");
  ASSERT_TRUE(retry.ok()) << retry.status();
  EXPECT_EQ(retry->id(), first->id());
  EXPECT_EQ(retry->etag(), "1");
  ASSERT_EQ(retry->tasks_size(), 1);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM weekly_plans"), 1);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM weekly_plan_tasks"), 1);
  EXPECT_EQ(
      Count(absl::StrCat("SELECT COUNT(*) FROM change_log WHERE entity_type = '", kPlanType, "'")),
      1);
}

TEST_F(WeeklyPlanTest, StaleEtagsAreAborted) {
  absl::StatusOr<v1::WeeklyPlan> plan = Save(alice_, Monday(), {Task("a")});
  ASSERT_TRUE(plan.ok()) << plan.status();
  absl::StatusOr<v1::WeeklyPlan> saved = Save(alice_, Monday(), {Task("b")}, plan->etag());
  ASSERT_TRUE(saved.ok()) << saved.status();
  EXPECT_EQ(Save(alice_, Monday(), {Task("c")}, plan->etag()).status().code(),
            absl::StatusCode::kAborted);
  EXPECT_EQ(Submit(alice_.call, plan->id(), plan->etag()).status().code(),
            absl::StatusCode::kAborted);
  absl::StatusOr<v1::WeeklyPlan> submitted = Submit(alice_.call, plan->id(), saved->etag());
  ASSERT_TRUE(submitted.ok()) << submitted.status();
  EXPECT_EQ(Review(eve_.call, plan->id(), true, "", saved->etag()).status().code(),
            absl::StatusCode::kAborted);
  absl::StatusOr<v1::WeeklyPlan> read = Get(alice_.call, plan->id());
  ASSERT_TRUE(read.ok());
  EXPECT_EQ(read->status(), v1::WEEKLY_PLAN_STATUS_SUBMITTED);
  ASSERT_EQ(read->tasks_size(), 1);
  EXPECT_EQ(read->tasks(0).title(), "b");
  EXPECT_EQ(Changes(kPlanType), 3);
}

}  // namespace
}  // namespace crm::org
