// Service requests against a real MariaDB: the lifecycle, the SLA on the
// working calendar, escalations, the SLA lists and row-level visibility.
#include <gtest/gtest.h>

#include "common/db/record_helpers.h"
#include "tests/feedback/feedback_fixture.h"

namespace crm::feedback {
namespace {

using H = ServiceRequestHandlers;

class ServiceRequestTest : public FeedbackTest {
 protected:
  // REPAIR / HIGH: first response in 60 working minutes, resolution in 16 hours.
  void SetRepairTargets() {
    v1::SetSlaPolicyRequest request;
    request.mutable_policy()->set_type(v1::REPAIR);
    request.mutable_policy()->set_priority(v1::HIGH);
    request.mutable_policy()->set_first_response_minutes(60);
    request.mutable_policy()->set_resolution_minutes(16 * 60);
    v1::SlaPolicy policy;
    ASSERT_TRUE(calendar_handlers_->SetSlaPolicy(manager_, request, &policy).ok());
  }

  std::vector<v1::RequestStatus> EventStatuses(const CallContext& call, int64_t id) {
    v1::ListServiceRequestEventsRequest request;
    request.set_service_request_id(id);
    v1::ListServiceRequestEventsResponse response;
    EXPECT_TRUE(handlers_->ListServiceRequestEvents(call, request, &response).ok());
    std::vector<v1::RequestStatus> statuses;
    for (const auto& e : response.events()) {
      if (e.kind() == v1::ServiceRequestEvent::STEP) statuses.push_back(e.to_status());
    }
    return statuses;
  }
};

TEST_F(ServiceRequestTest, ARequestGoesThroughItsWholeLifecycleAndEachStepIsRecorded) {
  absl::StatusOr<v1::ServiceRequest> r = Create(agent_);
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->status(), v1::CREATED);
  EXPECT_EQ(r->owner_employee_id(), 7);
  const int64_t id = r->id();
  // Assigned to a colleague, who now owns it.
  r = Assign(agent_, id, 8);
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->status(), v1::ASSIGNED);
  EXPECT_EQ(r->handler_employee_id(), 8);
  EXPECT_EQ(r->owner_employee_id(), 8);
  clock_.Advance(absl::Minutes(10));
  ASSERT_TRUE(Step(colleague_, &H::StartServiceRequest, id).ok());
  ASSERT_TRUE(Step(colleague_, &H::WaitForCustomer, id, "等客户寄回设备").ok());
  ASSERT_TRUE(Step(colleague_, &H::StartServiceRequest, id).ok());
  r = Step(colleague_, &H::ResolveServiceRequest, id, "更换了搓纸轮");
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->resolution(), "更换了搓纸轮");
  r = Step(colleague_, &H::ReopenServiceRequest, id, "客户说又卡纸了");
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->reopen_count(), 1);
  ASSERT_TRUE(Step(colleague_, &H::ResolveServiceRequest, id, "清理了纸道").ok());
  r = Feedback(colleague_, id, 5);
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->satisfaction(), 5);
  r = Step(colleague_, &H::ArchiveServiceRequest, id);
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->status(), v1::ARCHIVED);
  EXPECT_FALSE(r->first_response().running());
  EXPECT_FALSE(r->resolution_clock().running());
  EXPECT_EQ(r->first_response().used_seconds(), 600);  // 10 working minutes
  EXPECT_FALSE(r->first_response().breached());
  const std::vector<v1::RequestStatus> expected = {
      v1::CREATED,  v1::ASSIGNED,    v1::IN_PROGRESS, v1::WAITING_FOR_CUSTOMER, v1::IN_PROGRESS,
      v1::RESOLVED, v1::IN_PROGRESS, v1::RESOLVED,    v1::FEEDBACK_RECEIVED,    v1::ARCHIVED};
  EXPECT_EQ(EventStatuses(colleague_, id), expected);
  // Each step is a change in the feed (the create and nine steps).
  EXPECT_EQ(Count("SELECT COUNT(*) FROM change_log WHERE entity_type LIKE '%ServiceRequest'"), 10);
}

TEST_F(ServiceRequestTest, EveryStepTheLifecycleDoesNotAllowIsRefusedAndChangesNothing) {
  absl::StatusOr<v1::ServiceRequest> r = Create(agent_);
  ASSERT_TRUE(r.ok());
  const int64_t id = r->id();
  // (step, allowed from) for every step but Assign and RecordCustomerFeedback.
  const std::vector<std::pair<StepMethod, std::set<v1::RequestStatus>>> steps = {
      {&H::StartServiceRequest, {v1::ASSIGNED, v1::WAITING_FOR_CUSTOMER}},
      {&H::WaitForCustomer, {v1::IN_PROGRESS}},
      {&H::ResolveServiceRequest, {v1::IN_PROGRESS}},
      {&H::ReopenServiceRequest, {v1::RESOLVED}},
      {&H::ArchiveServiceRequest, {v1::FEEDBACK_RECEIVED}},
  };
  auto refuses_the_rest = [&](v1::RequestStatus now) {
    SCOPED_TRACE(v1::RequestStatus_Name(now));
    const int64_t changes = Changes(), events = Events();
    const std::string etag = Get(agent_, id)->etag();
    for (const auto& [method, allowed] : steps) {
      if (allowed.count(now)) continue;
      absl::StatusOr<v1::ServiceRequest> refused = Step(agent_, method, id, "说明");
      EXPECT_EQ(refused.status().code(), absl::StatusCode::kFailedPrecondition) << refused.status();
    }
    if (now != v1::RESOLVED) {
      EXPECT_EQ(Feedback(agent_, id, 4).status().code(), absl::StatusCode::kFailedPrecondition);
    }
    if (now == v1::RESOLVED || now == v1::FEEDBACK_RECEIVED || now == v1::ARCHIVED) {
      EXPECT_EQ(Assign(agent_, id, 7).status().code(), absl::StatusCode::kFailedPrecondition);
    }
    EXPECT_EQ(Changes(), changes);
    EXPECT_EQ(Events(), events);
    EXPECT_EQ(Get(agent_, id)->etag(), etag);
    EXPECT_EQ(Get(agent_, id)->status(), now);
  };
  refuses_the_rest(v1::CREATED);
  ASSERT_TRUE(Assign(agent_, id, 7).ok());
  refuses_the_rest(v1::ASSIGNED);
  ASSERT_TRUE(Step(agent_, &H::StartServiceRequest, id).ok());
  refuses_the_rest(v1::IN_PROGRESS);
  ASSERT_TRUE(Step(agent_, &H::WaitForCustomer, id).ok());
  refuses_the_rest(v1::WAITING_FOR_CUSTOMER);
  ASSERT_TRUE(Step(agent_, &H::StartServiceRequest, id).ok());
  ASSERT_TRUE(Step(agent_, &H::ResolveServiceRequest, id, "修好了").ok());
  refuses_the_rest(v1::RESOLVED);
  ASSERT_TRUE(Feedback(agent_, id, 3).ok());
  refuses_the_rest(v1::FEEDBACK_RECEIVED);
  ASSERT_TRUE(Step(agent_, &H::ArchiveServiceRequest, id).ok());
  refuses_the_rest(v1::ARCHIVED);
}

TEST_F(ServiceRequestTest, BadInputIsRefusedByFieldAndWritesNothing) {
  v1::CreateServiceRequestRequest request;
  v1::ServiceRequest created;
  absl::Status status = handlers_->CreateServiceRequest(agent_, request, &created);
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  request.mutable_service_request()->set_customer_id(-1);
  request.mutable_service_request()->set_subject(std::string(201, 'x'));
  status = handlers_->CreateServiceRequest(agent_, request, &created);
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  for (const char* field : {"service_request.type", "service_request.priority",
                            "service_request.customer_id", "service_request.subject"}) {
    EXPECT_NE(status.message().find(field), std::string::npos) << field << ": " << status;
  }
  // A customer the caller cannot see.
  known_customers_.clear();
  EXPECT_EQ(Create(agent_).status().code(), absl::StatusCode::kNotFound);
  known_customers_ = {500};
  absl::StatusOr<v1::ServiceRequest> r = Create(agent_);
  ASSERT_TRUE(r.ok());
  const int64_t changes = Changes();
  // An unknown handler, a bad satisfaction, a resolve without its note.
  status = Assign(agent_, r->id(), 999).status();
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(status.message().find("handler_employee_id"), std::string::npos);
  EXPECT_EQ(Feedback(agent_, r->id(), 6).status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(Step(agent_, &H::ResolveServiceRequest, r->id(), "").status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(Step(agent_, &H::StartServiceRequest, 0).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(Changes(), changes);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM service_requests"), 1);
}

TEST_F(ServiceRequestTest, ARetriedCreateReturnsTheFirstRequest) {
  absl::StatusOr<v1::ServiceRequest> first = Create(agent_, v1::REPAIR, v1::HIGH, "req-1");
  absl::StatusOr<v1::ServiceRequest> again = Create(agent_, v1::REPAIR, v1::HIGH, "req-1");
  ASSERT_TRUE(first.ok() && again.ok());
  EXPECT_EQ(first->id(), again->id());
  EXPECT_EQ(Count("SELECT COUNT(*) FROM service_requests"), 1);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM service_request_events"), 1);
}

TEST_F(ServiceRequestTest, OthersOutsideTheOwnersScopeNeitherSeeNorChangeIt) {
  absl::StatusOr<v1::ServiceRequest> r = Create(agent_);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(Get(elsewhere_, r->id()).status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(Assign(elsewhere_, r->id(), 11).status().code(), absl::StatusCode::kNotFound);
  EXPECT_TRUE(Get(head_, r->id()).ok());
  // Assigned to the technician in department 3: now theirs, and the
  // first agent no longer sees it; management still does.
  ASSERT_TRUE(Assign(head_, r->id(), 11).ok());
  EXPECT_TRUE(Get(elsewhere_, r->id()).ok());
  EXPECT_EQ(Get(agent_, r->id()).status().code(), absl::StatusCode::kNotFound);
  EXPECT_TRUE(Get(manager_, r->id()).ok());
}

TEST_F(ServiceRequestTest, TheSlaSkipsTheHolidayAndCountsTheMakeUpSaturday) {
  WriteHolidayWeek();
  SetRepairTargets();
  // Friday 2026-09-25 16:00.
  absl::StatusOr<v1::ServiceRequest> r = Create(agent_);
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->first_response().target_seconds(), 3600);
  EXPECT_EQ(FromTimestamp(r->first_response().due_time()), At(2026, 9, 25, 17));
  EXPECT_EQ(FromTimestamp(r->resolution_clock().due_time()), At(2026, 10, 1, 16));
  // Monday of the holiday, 15:00: the Saturday's eight hours were used, the
  // holiday's none; the first response is long overdue.
  clock_.Set(At(2026, 9, 28, 15));
  r = Get(agent_, r->id());
  EXPECT_EQ(r->resolution_clock().used_seconds(), 10 * 3600);
  EXPECT_TRUE(r->first_response().breached());
  EXPECT_FALSE(r->resolution_clock().breached());
  EXPECT_FALSE(r->resolution_clock().at_risk());
  // Thursday 11:48 is 80% (12.8 of 16 hours): at risk; 16:00 breached.
  clock_.Set(At(2026, 10, 1, 11, 48));
  EXPECT_TRUE(Get(agent_, r->id())->resolution_clock().at_risk());
  clock_.Set(At(2026, 10, 1, 16));
  EXPECT_TRUE(Get(agent_, r->id())->resolution_clock().breached());
}

TEST_F(ServiceRequestTest, WaitingForTheCustomerPausesTheResolutionClock) {
  WriteHolidayWeek();
  SetRepairTargets();
  absl::StatusOr<v1::ServiceRequest> r = Create(agent_);
  ASSERT_TRUE(r.ok());
  const int64_t id = r->id();
  ASSERT_TRUE(Assign(agent_, id, 7).ok());
  clock_.Set(At(2026, 9, 25, 16, 30));
  ASSERT_TRUE(Step(agent_, &H::StartServiceRequest, id).ok());
  clock_.Set(At(2026, 9, 26, 10));
  r = Step(agent_, &H::WaitForCustomer, id);
  ASSERT_TRUE(r.ok());
  EXPECT_FALSE(r->resolution_clock().running());
  EXPECT_FALSE(r->resolution_clock().has_due_time());
  // Paused: not at risk or overdue whatever the time.
  clock_.Set(At(2026, 10, 1, 10));
  r = Get(agent_, id);
  EXPECT_EQ(r->resolution_clock().used_seconds(), 3 * 3600);
  EXPECT_TRUE(SlaList(manager_, true).empty());
  // Back at Thursday 10:00: eight paused working hours move the deadline
  // from Thursday 16:00 to Friday 16:00.
  r = Step(agent_, &H::StartServiceRequest, id);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(FromTimestamp(r->resolution_clock().due_time()), At(2026, 10, 2, 16));
  EXPECT_EQ(r->first_response().used_seconds(), 1800);
  EXPECT_FALSE(r->first_response().breached());
}

TEST_F(ServiceRequestTest, EachEscalationLevelFiresOnceAndNotAgainAfterARestart) {
  WriteHolidayWeek();
  SetRepairTargets();
  absl::StatusOr<v1::ServiceRequest> r = Create(agent_);
  ASSERT_TRUE(r.ok());
  const int64_t id = r->id();
  ASSERT_TRUE(Assign(agent_, id, 7).ok());
  ASSERT_TRUE(Step(agent_, &H::StartServiceRequest, id).ok());  // responded at once
  worker_->RunOnce();
  EXPECT_TRUE(MyEscalations(agent_).empty());
  // 80% of the resolution target: the handler is warned.
  clock_.Set(At(2026, 10, 1, 11, 48));
  worker_->RunOnce();
  worker_->RunOnce();
  std::vector<v1::Escalation> mine = MyEscalations(agent_);
  ASSERT_EQ(mine.size(), 1u);
  EXPECT_EQ(mine[0].level(), 1);
  EXPECT_EQ(mine[0].clock(), v1::Escalation::RESOLUTION);
  EXPECT_TRUE(MyEscalations(head_).empty());
  // A restart (new repository and worker) fires nothing again.
  StartService();
  worker_->RunOnce();
  EXPECT_EQ(MyEscalations(agent_).size(), 1u);
  // Breach: the head of department 2; four working hours later (Friday
  // 11:00) the head of the department above.
  clock_.Set(At(2026, 10, 1, 16));
  worker_->RunOnce();
  ASSERT_EQ(MyEscalations(head_).size(), 1u);
  EXPECT_EQ(MyEscalations(head_)[0].level(), 2);
  EXPECT_TRUE(MyEscalations(top_head_).empty());
  clock_.Set(At(2026, 10, 2, 11));
  worker_->RunOnce();
  StartService();
  worker_->RunOnce();
  ASSERT_EQ(MyEscalations(top_head_).size(), 1u);
  EXPECT_EQ(MyEscalations(top_head_)[0].level(), 3);
  EXPECT_EQ(MyEscalations(top_head_)[0].target_department_id(), 1);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM escalations"), 3);
  // Each is an event on the request, and nothing more is due.
  EXPECT_EQ(Count("SELECT COUNT(*) FROM service_request_events WHERE kind = 2"), 3);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM service_requests WHERE next_escalation_at IS NOT NULL"), 0);
}

TEST_F(ServiceRequestTest, OverdueAndAtRiskListsFollowTheClockAndTheCallersScope) {
  SetRepairTargets();
  // Friday 16:00, no holidays: resolution due Tuesday 09-29 16:00 (2 + 8 + 6).
  absl::StatusOr<v1::ServiceRequest> mine = Create(agent_);
  clock_.Set(At(2026, 9, 25, 16, 30));
  absl::StatusOr<v1::ServiceRequest> theirs = Create(elsewhere_);
  ASSERT_TRUE(mine.ok() && theirs.ok());
  EXPECT_TRUE(SlaList(manager_, true).empty());
  // 16:50: the first request's first response is at risk (80% of an hour
  // at 16:48), the second's not yet.
  clock_.Set(At(2026, 9, 25, 16, 50));
  EXPECT_EQ(SlaList(manager_, false), std::vector<int64_t>{mine->id()});
  // Monday 09:00: both first responses overdue, earliest deadline first.
  clock_.Set(At(2026, 9, 28, 9));
  EXPECT_EQ(SlaList(manager_, true), (std::vector<int64_t>{mine->id(), theirs->id()}));
  EXPECT_EQ(SlaList(agent_, true), std::vector<int64_t>{mine->id()});
  EXPECT_EQ(SlaList(head_, true), std::vector<int64_t>{mine->id()});
  EXPECT_EQ(SlaList(manager_, true, 3), std::vector<int64_t>{theirs->id()});
  EXPECT_EQ(SlaList(manager_, true, 1).size(), 2u);  // the whole tree under /1/
  // Responded to: the first response clock stops; the resolution clock
  // (Tuesday 16:00) is not overdue.
  ASSERT_TRUE(Assign(agent_, mine->id(), 7).ok());
  ASSERT_TRUE(Step(agent_, &H::StartServiceRequest, mine->id()).ok());
  EXPECT_EQ(SlaList(manager_, true), std::vector<int64_t>{theirs->id()});
}

TEST_F(ServiceRequestTest, ACalendarEditMovesTheDeadlinesOfOpenRequests) {
  SetRepairTargets();
  absl::StatusOr<v1::ServiceRequest> r = Create(agent_);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(FromTimestamp(r->resolution_clock().due_time()), At(2026, 9, 29, 16));
  // Monday and Tuesday become holidays: the deadline moves to Thursday.
  WriteHolidayWeek();
  EXPECT_EQ(FromTimestamp(Get(agent_, r->id())->resolution_clock().due_time()),
            At(2026, 10, 1, 16));
  // The stored deadline the lists read follows once the worker has passed.
  clock_.Set(At(2026, 9, 30, 9));
  EXPECT_EQ(Count("SELECT COUNT(*) FROM service_requests WHERE resolution_due < '2026-09-30'"), 1);
  worker_->RunOnce();
  EXPECT_EQ(Count("SELECT COUNT(*) FROM service_requests WHERE resolution_due < '2026-09-30'"), 0);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM service_requests WHERE schedule_revision ="
                  " (SELECT revision FROM calendar_revision)"),
            1);
}

TEST_F(ServiceRequestTest, TheCalendarAndTargetsAreReadBackAndCheckedByField) {
  v1::SetWorkingHoursRequest hours;
  auto* p = hours.add_periods();
  p->set_start("08:30");
  p->set_end("17:30");
  v1::WorkCalendar calendar;
  ASSERT_TRUE(calendar_handlers_->SetWorkingHours(manager_, hours, &calendar).ok());
  WriteHolidayWeek();
  v1::GetWorkCalendarRequest get;
  get.set_year(2026);
  ASSERT_TRUE(calendar_handlers_->GetWorkCalendar(agent_, get, &calendar).ok());
  ASSERT_EQ(calendar.periods_size(), 1);
  EXPECT_EQ(calendar.periods(0).start(), "08:30");
  EXPECT_EQ(calendar.days_size(), 4);
  EXPECT_EQ(calendar.days(0).kind(), v1::CalendarDay::WORKING_DAY);
  const int64_t changes = Changes();
  p->set_end("08:00");
  EXPECT_EQ(calendar_handlers_->SetWorkingHours(manager_, hours, &calendar).code(),
            absl::StatusCode::kInvalidArgument);
  p->set_end("25:00");
  EXPECT_EQ(calendar_handlers_->SetWorkingHours(manager_, hours, &calendar).code(),
            absl::StatusCode::kInvalidArgument);
  v1::SetCalendarDayRequest day;
  day.mutable_day()->set_date("2026-02-30");
  day.mutable_day()->set_kind(v1::CalendarDay::HOLIDAY);
  v1::CalendarDay stored;
  EXPECT_EQ(calendar_handlers_->SetCalendarDay(manager_, day, &stored).code(),
            absl::StatusCode::kInvalidArgument);
  v1::SetSlaPolicyRequest policy;
  policy.mutable_policy()->set_type(v1::COMPLAINT);
  policy.mutable_policy()->set_priority(v1::URGENT);
  policy.mutable_policy()->set_first_response_minutes(60);
  policy.mutable_policy()->set_resolution_minutes(30);
  v1::SlaPolicy set;
  EXPECT_EQ(calendar_handlers_->SetSlaPolicy(manager_, policy, &set).code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(Changes(), changes);
}

TEST_F(ServiceRequestTest, AComplaintClosesOnlyAfterAReturnVisitFindsTheCustomerSatisfied) {
  absl::StatusOr<v1::ServiceRequest> r = Create(agent_, v1::COMPLAINT, v1::URGENT);
  ASSERT_TRUE(r.ok()) << r.status();
  const int64_t id = r->id();
  ASSERT_TRUE(Assign(agent_, id, 7).ok());
  ASSERT_TRUE(Step(agent_, &H::StartServiceRequest, id).ok());
  // A return visit only once resolved.
  EXPECT_EQ(Visit(agent_, id, true).status().code(), absl::StatusCode::kFailedPrecondition);
  ASSERT_TRUE(Step(agent_, &H::ResolveServiceRequest, id, "道歉并补发配件").ok());
  // No feedback (so no closing) before a satisfied visit.
  const int64_t changes = Changes();
  EXPECT_EQ(Feedback(agent_, id, 4).status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(Changes(), changes);
  // Dissatisfied: reopened, counted, with the customer's words as the reason.
  r = Visit(agent_, id, false);
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->status(), v1::IN_PROGRESS);
  EXPECT_EQ(r->reopen_count(), 1);
  EXPECT_EQ(r->return_visit_count(), 1);
  EXPECT_TRUE(r->resolution_clock().running());
  EXPECT_EQ(Count("SELECT COUNT(*) FROM service_request_events WHERE note LIKE '%还是有问题'"), 1);
  ASSERT_TRUE(Step(agent_, &H::ResolveServiceRequest, id, "上门更换整机").ok());
  EXPECT_EQ(Feedback(agent_, id, 4).status().code(), absl::StatusCode::kFailedPrecondition);
  // Satisfied (and retried with its request id: recorded once).
  r = Visit(agent_, id, true, "visit-2");
  ASSERT_TRUE(r.ok()) << r.status();
  r = Visit(agent_, id, true, "visit-2");
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->status(), v1::RESOLVED);
  EXPECT_TRUE(r->return_visit_satisfied());
  EXPECT_EQ(r->return_visit_count(), 2);
  r = Feedback(agent_, id, 4);
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->status(), v1::FEEDBACK_RECEIVED);
  ASSERT_TRUE(Step(agent_, &H::ArchiveServiceRequest, id).ok());

  v1::ListReturnVisitsRequest list;
  list.set_service_request_id(id);
  v1::ListReturnVisitsResponse visits;
  ASSERT_TRUE(handlers_->ListReturnVisits(agent_, list, &visits).ok());
  ASSERT_EQ(visits.visits_size(), 2);
  EXPECT_FALSE(visits.visits(0).satisfied());
  EXPECT_TRUE(visits.visits(1).satisfied());
  EXPECT_EQ(visits.visits(1).visitor_employee_id(), 7);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM change_log WHERE entity_type LIKE '%ReturnVisit'"), 2);
  // A request that is no complaint takes feedback without a visit.
  absl::StatusOr<v1::ServiceRequest> plain = Create(agent_, v1::CONSULTATION, v1::LOW);
  ASSERT_TRUE(plain.ok());
  ASSERT_TRUE(Assign(agent_, plain->id(), 7).ok());
  ASSERT_TRUE(Step(agent_, &H::StartServiceRequest, plain->id()).ok());
  ASSERT_TRUE(Step(agent_, &H::ResolveServiceRequest, plain->id(), "已答复").ok());
  EXPECT_TRUE(Feedback(agent_, plain->id(), 5).ok());
}

}  // namespace
}  // namespace crm::feedback
