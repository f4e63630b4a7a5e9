// The feedback service end to end, through the gateway, with the customer
// and org services it asks and its business clock set by the test (a file
// the process reads, --test-clock-file): a request's whole lifecycle under
// an SLA that starts on the Friday before a public holiday and runs through
// a make-up Saturday, a pause while waiting for the customer, invalid steps
// refused with nothing changed, and each escalation level firing once, also
// across a SIGKILL and restart of the service.
#include <grpcpp/create_channel.h>
#include <gtest/gtest.h>
#include <httplib.h>
#include <signal.h>

#include <algorithm>
#include <atomic>
#include <string>
#include <thread>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "common/db/record_helpers.h"
#include "crm/customer/v1/customer_service.grpc.pb.h"
#include "crm/feedback/v1/feedback_service.grpc.pb.h"
#include "google/rpc/error_details.pb.h"
#include "google/rpc/status.pb.h"
#include "tests/support/child_process.h"
#include "tests/support/clients.h"
#include "tests/support/sales_org.h"
#include "tests/support/session.h"
#include "tests/support/stack.h"
#include "tests/support/test_clock.h"
#include "tests/support/waiting.h"

namespace crm {
namespace {

namespace v1 = feedback::v1;
using testing::AuthContext;
using testing::Session;

absl::Time At(int y, int m, int d, int hh, int mm = 0) {
  absl::TimeZone zone;
  absl::LoadTimeZone("Asia/Shanghai", &zone);
  return absl::FromCivil(absl::CivilSecond(y, m, d, hh, mm, 0), zone);
}

class FeedbackE2eTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    clock_file_ = new testing::TestClockFile(At(2026, 9, 25, 16));
    testing::StackOptions options;
    options.backend_flags["feedback"] = {clock_file_->Flag()};
    stack_ = new testing::Stack(options);
    stack_->Start();
    gateway_ = new std::shared_ptr<grpc::Channel>(testing::Connect(stack_->gateway_address()));
    org_ = new testing::SalesOrg(testing::SalesOrg::Build(*gateway_));
    testing::OrgBuilder make(*gateway_, org_->admin);
    technician_ =
        new Session(make.User("tech.east", make.Employee("维修工小王", org_->east), {"service"}));
    customer_ = testing::CreateCustomerAs(*gateway_, org_->sales_a, "华东电气有限公司");
    WriteCalendar();
  }
  static void TearDownTestSuite() {
    delete stack_;
    stack_ = nullptr;
    delete clock_file_;
  }

  void SetUp() override { stub_ = v1::FeedbackService::NewStub(*gateway_); }

  static void SetClock(absl::Time t) { clock_file_->Set(t); }

  // The calendar the test writes, as a department head: Monday 2026-09-28
  // to Wednesday 09-30 are holidays, Saturday 09-26 is worked; REPAIR/HIGH
  // requests get an hour to respond and 16 working hours to resolve.
  static void WriteCalendar() {
    auto stub = v1::FeedbackService::NewStub(*gateway_);
    for (const auto& [date, kind] : std::vector<std::pair<std::string, v1::CalendarDay::Kind>>{
             {"2026-09-26", v1::CalendarDay::WORKING_DAY},
             {"2026-09-28", v1::CalendarDay::HOLIDAY},
             {"2026-09-29", v1::CalendarDay::HOLIDAY},
             {"2026-09-30", v1::CalendarDay::HOLIDAY}}) {
      v1::SetCalendarDayRequest request;
      request.mutable_day()->set_date(date);
      request.mutable_day()->set_kind(kind);
      request.mutable_day()->set_name("国庆节");
      v1::CalendarDay day;
      const grpc::Status status =
          stub->SetCalendarDay(AuthContext(org_->head_east).get(), request, &day);
      ASSERT_TRUE(status.ok()) << status.error_message();
    }
    v1::SetSlaPolicyRequest policy;
    policy.mutable_policy()->set_type(v1::REPAIR);
    policy.mutable_policy()->set_priority(v1::HIGH);
    policy.mutable_policy()->set_first_response_minutes(60);
    policy.mutable_policy()->set_resolution_minutes(16 * 60);
    v1::SlaPolicy set;
    const grpc::Status status =
        stub->SetSlaPolicy(AuthContext(org_->head_east).get(), policy, &set);
    ASSERT_TRUE(status.ok()) << status.error_message();
  }

  v1::ServiceRequest MustCreateRequest(v1::RequestType type = v1::REPAIR,
                                       v1::Priority priority = v1::HIGH) {
    v1::CreateServiceRequestRequest request;
    request.mutable_service_request()->set_type(type);
    request.mutable_service_request()->set_priority(priority);
    request.mutable_service_request()->set_customer_id(customer_);
    request.mutable_service_request()->set_subject("生产线控制柜报警");
    v1::ServiceRequest created;
    const grpc::Status status =
        stub_->CreateServiceRequest(AuthContext(org_->head_east).get(), request, &created);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return created;
  }

  using StepCall = grpc::Status (v1::FeedbackService::Stub::*)(grpc::ClientContext*,
                                                               const v1::ServiceRequestStepRequest&,
                                                               v1::ServiceRequest*);
  grpc::Status Step(StepCall call, int64_t id, v1::ServiceRequest* out,
                    const std::string& note = "") {
    v1::ServiceRequestStepRequest request;
    request.set_id(id);
    request.set_note(note);
    return (stub_.get()->*call)(AuthContext(*technician_).get(), request, out);
  }

  // A request assigned to the technician, started and resolved with
  // `resolution`: ready for its return visit.
  v1::ServiceRequest MustResolveAsTechnician(v1::RequestType type, v1::Priority priority,
                                             const std::string& resolution) {
    v1::ServiceRequest r = MustCreateRequest(type, priority);
    v1::AssignServiceRequestRequest assign;
    assign.set_id(r.id());
    assign.set_handler_employee_id(technician_->identity.employee_id());
    EXPECT_TRUE(stub_->AssignServiceRequest(AuthContext(org_->head_east).get(), assign, &r).ok());
    EXPECT_TRUE(Step(&v1::FeedbackService::Stub::StartServiceRequest, r.id(), &r).ok());
    EXPECT_TRUE(
        Step(&v1::FeedbackService::Stub::ResolveServiceRequest, r.id(), &r, resolution).ok());
    EXPECT_EQ(r.status(), v1::RESOLVED);
    return r;
  }

  std::vector<v1::Escalation> EscalationsOf(const Session& as, int64_t request_id) {
    v1::ListMyEscalationsRequest request;
    v1::ListMyEscalationsResponse response;
    const grpc::Status status = stub_->ListMyEscalations(AuthContext(as).get(), request, &response);
    EXPECT_TRUE(status.ok()) << status.error_code() << ": " << status.error_message();
    std::vector<v1::Escalation> of_request;
    for (const v1::Escalation& e : response.escalations()) {
      if (e.service_request_id() == request_id) of_request.push_back(e);
    }
    return of_request;
  }

  // The SLA worker's completed passes, from the feedback process's metrics page.
  static double SlaPasses() {
    httplib::Client client("127.0.0.1", stack_->MetricsPort("feedback"));
    auto response = client.Get("/metrics");
    if (!response || response->status != 200) return -1;
    const std::string name = "crm_sla_passes_total ";
    const size_t at = response->body.find("\n" + name);
    double passes = -1;
    if (at == std::string::npos) return passes;
    const size_t start = at + 1 + name.size();
    absl::SimpleAtod(response->body.substr(start, response->body.find('\n', start) - start),
                     &passes);
    return passes;
  }

  static testing::TestClockFile* clock_file_;
  static testing::Stack* stack_;
  static std::shared_ptr<grpc::Channel>* gateway_;
  static testing::SalesOrg* org_;
  static Session* technician_;
  static int64_t customer_;
  std::unique_ptr<v1::FeedbackService::Stub> stub_;
};

testing::TestClockFile* FeedbackE2eTest::clock_file_ = nullptr;
testing::Stack* FeedbackE2eTest::stack_ = nullptr;
std::shared_ptr<grpc::Channel>* FeedbackE2eTest::gateway_ = nullptr;
testing::SalesOrg* FeedbackE2eTest::org_ = nullptr;
Session* FeedbackE2eTest::technician_ = nullptr;
int64_t FeedbackE2eTest::customer_ = 0;

TEST_F(FeedbackE2eTest, ARequestRunsItsLifecycleOnTheCompanysCalendarWithAPause) {
  SetClock(At(2026, 9, 25, 16));
  v1::ServiceRequest r = MustCreateRequest();
  ASSERT_GT(r.id(), 0);
  EXPECT_EQ(r.status(), v1::CREATED);
  // Friday 16:00: 2 h on Friday, 8 on the make-up Saturday, none over the
  // weekend and the holiday, 6 on Thursday.
  EXPECT_EQ(FromTimestamp(r.first_response().due_time()), At(2026, 9, 25, 17));
  EXPECT_EQ(FromTimestamp(r.resolution_clock().due_time()), At(2026, 10, 1, 16));

  v1::AssignServiceRequestRequest assign;
  assign.set_id(r.id());
  assign.set_handler_employee_id(technician_->identity.employee_id());
  ASSERT_TRUE(stub_->AssignServiceRequest(AuthContext(org_->head_east).get(), assign, &r).ok());
  EXPECT_EQ(r.status(), v1::ASSIGNED);
  SetClock(At(2026, 9, 25, 16, 30));
  ASSERT_TRUE(Step(&v1::FeedbackService::Stub::StartServiceRequest, r.id(), &r).ok());
  EXPECT_EQ(r.first_response().used_seconds(), 1800);
  EXPECT_FALSE(r.first_response().breached());

  // A step the lifecycle does not allow: FAILED_PRECONDITION with its
  // reason, and nothing changed.
  const std::string etag = r.etag();
  v1::ServiceRequest refused;
  grpc::Status status = Step(&v1::FeedbackService::Stub::ArchiveServiceRequest, r.id(), &refused);
  ASSERT_EQ(status.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  google::rpc::Status details;
  ASSERT_TRUE(details.ParseFromString(status.error_details()));
  bool has_reason = false;
  for (const auto& any : details.details()) {
    google::rpc::ErrorInfo info;
    if (any.UnpackTo(&info)) has_reason = info.reason() == "STATUS_STEP_NOT_ALLOWED";
  }
  EXPECT_TRUE(has_reason);
  v1::GetServiceRequestRequest get;
  get.set_id(r.id());
  v1::ServiceRequest read;
  ASSERT_TRUE(stub_->GetServiceRequest(AuthContext(*technician_).get(), get, &read).ok());
  EXPECT_EQ(read.etag(), etag);
  EXPECT_EQ(read.status(), v1::IN_PROGRESS);

  // Waiting for the customer from Saturday 10:00 to Thursday 10:00: the
  // eight working hours paused move the deadline to Friday 16:00.
  SetClock(At(2026, 9, 26, 10));
  ASSERT_TRUE(Step(&v1::FeedbackService::Stub::WaitForCustomer, r.id(), &r, "等客户确认").ok());
  SetClock(At(2026, 10, 1, 10));
  ASSERT_TRUE(stub_->GetServiceRequest(AuthContext(*technician_).get(), get, &read).ok());
  EXPECT_FALSE(read.resolution_clock().running());
  EXPECT_EQ(read.resolution_clock().used_seconds(), 3 * 3600);
  ASSERT_TRUE(Step(&v1::FeedbackService::Stub::StartServiceRequest, r.id(), &r).ok());
  EXPECT_EQ(FromTimestamp(r.resolution_clock().due_time()), At(2026, 10, 2, 16));

  SetClock(At(2026, 10, 1, 15));
  ASSERT_TRUE(
      Step(&v1::FeedbackService::Stub::ResolveServiceRequest, r.id(), &r, "更换继电器").ok());
  v1::RecordCustomerFeedbackRequest feedback;
  feedback.set_id(r.id());
  feedback.set_satisfaction(5);
  feedback.set_comment("响应很快");
  ASSERT_TRUE(stub_->RecordCustomerFeedback(AuthContext(*technician_).get(), feedback, &r).ok());
  ASSERT_TRUE(Step(&v1::FeedbackService::Stub::ArchiveServiceRequest, r.id(), &r).ok());
  EXPECT_EQ(r.status(), v1::ARCHIVED);
  EXPECT_EQ(r.satisfaction(), 5);
  EXPECT_FALSE(r.resolution_clock().breached());
  // Used: Friday 2 h + Saturday 1 h + Thursday 10:00–15:00 (4 h).
  EXPECT_EQ(r.resolution_clock().used_seconds(), 7 * 3600);

  v1::ListServiceRequestEventsRequest events;
  events.set_service_request_id(r.id());
  v1::ListServiceRequestEventsResponse listed;
  ASSERT_TRUE(
      stub_->ListServiceRequestEvents(AuthContext(*technician_).get(), events, &listed).ok());
  ASSERT_EQ(listed.events_size(), 8);  // created, assigned, started, waiting, started, …
  EXPECT_EQ(listed.events(1).actor_employee_id(), org_->head_east.identity.employee_id());
  EXPECT_EQ(listed.events(3).to_status(), v1::WAITING_FOR_CUSTOMER);
  EXPECT_EQ(listed.events(3).note(), "等客户确认");
}

TEST_F(FeedbackE2eTest, EachEscalationLevelFiresOnceAlsoAcrossARestart) {
  SetClock(At(2026, 9, 25, 16));
  v1::ServiceRequest r = MustCreateRequest();
  v1::AssignServiceRequestRequest assign;
  assign.set_id(r.id());
  assign.set_handler_employee_id(technician_->identity.employee_id());
  ASSERT_TRUE(stub_->AssignServiceRequest(AuthContext(org_->head_east).get(), assign, &r).ok());
  ASSERT_TRUE(Step(&v1::FeedbackService::Stub::StartServiceRequest, r.id(), &r).ok());

  // 80% of the resolution target (Thursday 11:48): the handler is warned.
  SetClock(At(2026, 10, 1, 11, 48));
  ASSERT_TRUE(testing::Eventually([&] { return EscalationsOf(*technician_, r.id()).size() == 1; }));
  EXPECT_EQ(EscalationsOf(*technician_, r.id())[0].level(), 1);
  // At the breach, the head of the handler's department (华东组).
  SetClock(At(2026, 10, 1, 16));
  ASSERT_TRUE(
      testing::Eventually([&] { return EscalationsOf(org_->head_east, r.id()).size() == 1; }));
  EXPECT_EQ(EscalationsOf(org_->head_east, r.id())[0].level(), 2);
  v1::ListSlaRequestsRequest overdue_request;
  overdue_request.set_department_id(org_->east);
  v1::ListSlaRequestsResponse overdue;
  ASSERT_TRUE(
      stub_->ListOverdue(AuthContext(org_->head_east).get(), overdue_request, &overdue).ok());
  ASSERT_GE(overdue.service_requests_size(), 1);
  EXPECT_EQ(overdue.service_requests(0).id(), r.id());

  // SIGKILL and restart: once the new process has passed over the requests
  // twice, nothing has fired again.
  stack_->Process("feedback").Signal(SIGKILL);
  stack_->Process("feedback").Wait(std::chrono::seconds(5));
  stack_->StartProcess("feedback");
  ASSERT_TRUE(stack_->WaitServing("crm.feedback.v1.FeedbackService"));
  ASSERT_TRUE(testing::Eventually([] { return SlaPasses() >= 2; }));
  // The gateway's connection to the new process may still be in its
  // reconnect backoff for a moment.
  ASSERT_TRUE(testing::Eventually([&] {
    v1::ListMyEscalationsResponse response;
    return stub_
        ->ListMyEscalations(AuthContext(*technician_).get(), v1::ListMyEscalationsRequest(),
                            &response)
        .ok();
  }));
  EXPECT_EQ(EscalationsOf(*technician_, r.id()).size(), 1u);
  EXPECT_EQ(EscalationsOf(org_->head_east, r.id()).size(), 1u);
  EXPECT_TRUE(EscalationsOf(org_->head_centre, r.id()).empty());

  // Four working hours after the breach (Friday 11:00): the head above (销售中心).
  SetClock(At(2026, 10, 2, 11));
  ASSERT_TRUE(
      testing::Eventually([&] { return EscalationsOf(org_->head_centre, r.id()).size() == 1; }));
  const v1::Escalation above = EscalationsOf(org_->head_centre, r.id())[0];
  EXPECT_EQ(above.level(), 3);
  EXPECT_EQ(above.target_department_id(), org_->centre);
  const double passes = SlaPasses();
  ASSERT_TRUE(testing::Eventually([&] { return SlaPasses() >= passes + 2; }));
  // Each is one event on the request.
  v1::ListServiceRequestEventsRequest events;
  events.set_service_request_id(r.id());
  v1::ListServiceRequestEventsResponse listed;
  ASSERT_TRUE(
      stub_->ListServiceRequestEvents(AuthContext(org_->head_centre).get(), events, &listed).ok());
  int escalations = 0;
  for (const auto& e : listed.events())
    escalations += e.kind() == v1::ServiceRequestEvent::ESCALATION;
  EXPECT_EQ(escalations, 3);
}

// Half past midnight in Shanghai is still the day before in UTC (the
// processes' zone): a return visit is dated by the company's calendar.
TEST_F(FeedbackE2eTest, AReturnVisitJustAfterMidnightIsDatedByTheCompanysDay) {
  SetClock(At(2026, 10, 9, 0, 30));
  v1::ServiceRequest r = MustResolveAsTechnician(v1::REPAIR, v1::NORMAL, "已修复");
  ASSERT_FALSE(::testing::Test::HasFailure());
  for (const std::string& date : {std::string("2026-10-09"), std::string()}) {
    v1::RecordReturnVisitRequest request;
    request.mutable_visit()->set_service_request_id(r.id());
    request.mutable_visit()->set_method(v1::PHONE_CALL);
    request.mutable_visit()->set_visit_date(date);  // today, then left to the server
    request.mutable_visit()->set_customer_response("满意");
    request.mutable_visit()->set_satisfied(true);
    const grpc::Status status =
        stub_->RecordReturnVisit(AuthContext(*technician_).get(), request, &r);
    ASSERT_TRUE(status.ok()) << "visit dated '" << date << "': " << status.error_message();
  }
  v1::ListReturnVisitsRequest list;
  list.set_service_request_id(r.id());
  v1::ListReturnVisitsResponse visits;
  ASSERT_TRUE(stub_->ListReturnVisits(AuthContext(org_->head_east).get(), list, &visits).ok());
  ASSERT_EQ(visits.visits_size(), 2);
  for (const v1::ReturnVisit& visit : visits.visits()) EXPECT_EQ(visit.visit_date(), "2026-10-09");
}

TEST_F(FeedbackE2eTest, AComplaintClosesOnlyAfterTheCustomerIsSatisfiedOnAReturnVisit) {
  SetClock(At(2026, 10, 8, 10));
  v1::ServiceRequest r = MustResolveAsTechnician(v1::COMPLAINT, v1::URGENT, "补发配件");
  ASSERT_FALSE(::testing::Test::HasFailure());
  auto visit = [&](bool satisfied, const std::string& said) {
    v1::RecordReturnVisitRequest request;
    request.mutable_visit()->set_service_request_id(r.id());
    request.mutable_visit()->set_method(v1::PHONE_CALL);
    request.mutable_visit()->set_customer_response(said);
    request.mutable_visit()->set_satisfied(satisfied);
    return stub_->RecordReturnVisit(AuthContext(*technician_).get(), request, &r);
  };
  v1::RecordCustomerFeedbackRequest feedback;
  feedback.set_id(r.id());
  feedback.set_satisfaction(4);
  v1::ServiceRequest refused;
  EXPECT_EQ(stub_->RecordCustomerFeedback(AuthContext(*technician_).get(), feedback, &refused)
                .error_code(),
            grpc::StatusCode::FAILED_PRECONDITION);
  // Not satisfied: back in progress, counted as a reopen.
  ASSERT_TRUE(visit(false, "配件型号不对").ok());
  EXPECT_EQ(r.status(), v1::IN_PROGRESS);
  EXPECT_EQ(r.reopen_count(), 1);
  ASSERT_TRUE(Step(&v1::FeedbackService::Stub::ResolveServiceRequest, r.id(), &r, "换对型号").ok());
  ASSERT_TRUE(visit(true, "问题解决了").ok());
  EXPECT_TRUE(r.return_visit_satisfied());
  ASSERT_TRUE(stub_->RecordCustomerFeedback(AuthContext(*technician_).get(), feedback, &r).ok());
  ASSERT_TRUE(Step(&v1::FeedbackService::Stub::ArchiveServiceRequest, r.id(), &r).ok());
  EXPECT_EQ(r.status(), v1::ARCHIVED);
  EXPECT_EQ(r.return_visit_count(), 2);
  v1::ListReturnVisitsRequest list;
  list.set_service_request_id(r.id());
  v1::ListReturnVisitsResponse visits;
  ASSERT_TRUE(stub_->ListReturnVisits(AuthContext(org_->head_east).get(), list, &visits).ok());
  ASSERT_EQ(visits.visits_size(), 2);
  EXPECT_FALSE(visits.visits(0).satisfied());
  EXPECT_EQ(visits.visits(0).customer_response(), "配件型号不对");

  // The complaint is in its customer's event history (R8), through the
  // feedback change feed, as it ended.
  auto customers = customer::v1::CustomerService::NewStub(*gateway_);
  customer::v1::ListCustomerEventsRequest events;
  events.set_customer_id(customer_);
  events.set_type_code("complaint");
  ASSERT_TRUE(testing::Eventually([&] {
    customer::v1::ListCustomerEventsResponse listed;
    if (!customers->ListCustomerEvents(AuthContext(org_->sales_a).get(), events, &listed).ok()) {
      return false;
    }
    for (const auto& e : listed.events()) {
      if (e.title() == "生产线控制柜报警" &&
          e.description().find("ARCHIVED") != std::string::npos &&
          e.description().find(absl::StrCat("投诉单 ", r.id())) != std::string::npos) {
        return true;
      }
    }
    return false;
  }));
}

TEST_F(FeedbackE2eTest, OfTwentyConcurrentOverlappingBookingsOfOneTechnicianExactlyOneWins) {
  v1::SetTechnicianRequest technician;
  technician.mutable_technician()->set_employee_id(technician_->identity.employee_id());
  technician.mutable_technician()->set_region_code("east");
  technician.mutable_technician()->add_skills("plc");
  technician.mutable_technician()->set_active(true);
  v1::Technician set;
  ASSERT_TRUE(stub_->SetTechnician(AuthContext(org_->head_east).get(), technician, &set).ok());
  const absl::Time start = At(2026, 11, 2, 9);
  std::atomic<int> won{0}, booked_already{0}, other{0};
  std::vector<std::thread> callers;
  for (int i = 0; i < 20; ++i) {
    callers.emplace_back([&, i] {
      auto stub = v1::FeedbackService::NewStub(testing::Connect(stack_->gateway_address()));
      v1::BookAppointmentRequest request;
      v1::Appointment& a = *request.mutable_appointment();
      a.set_technician_employee_id(technician_->identity.employee_id());
      SetTimestamp(start + absl::Minutes(i), a.mutable_slot()->mutable_start_time());
      SetTimestamp(start + absl::Minutes(i + 60), a.mutable_slot()->mutable_end_time());
      a.set_place("无锡市新吴区");
      a.add_skills("plc");
      a.set_customer_id(customer_);
      v1::Appointment booked;
      const grpc::Status status =
          stub->BookAppointment(AuthContext(org_->head_east).get(), request, &booked);
      if (status.ok()) {
        ++won;
      } else if (status.error_code() == grpc::StatusCode::FAILED_PRECONDITION) {
        ++booked_already;
      } else {
        ++other;
      }
    });
  }
  for (std::thread& t : callers) t.join();
  EXPECT_EQ(won.load(), 1);
  EXPECT_EQ(booked_already.load(), 19);
  EXPECT_EQ(other.load(), 0);
  v1::ListAppointmentsRequest list;
  list.set_technician_employee_id(technician_->identity.employee_id());
  SetTimestamp(start - absl::Hours(1), list.mutable_from_time());
  SetTimestamp(start + absl::Hours(3), list.mutable_to_time());
  v1::ListAppointmentsResponse listed;
  ASSERT_TRUE(stub_->ListAppointments(AuthContext(*technician_).get(), list, &listed).ok());
  EXPECT_EQ(listed.appointments_size(), 1);
}

TEST_F(FeedbackE2eTest, TheDailyReviewListsWhatChangedSinceTheLastWorkingDay) {
  // Created on the make-up Saturday; reviewed on the Thursday after the
  // holiday, whose last working day that Saturday was.
  SetClock(At(2026, 9, 26, 11));
  v1::CreateRequirementRequest create;
  create.mutable_requirement()->set_title("微信小程序报修");
  v1::Requirement requirement;
  ASSERT_TRUE(stub_->CreateRequirement(AuthContext(*technician_).get(), create, &requirement).ok());
  v1::ListRequirementsForReviewRequest review;
  review.set_date("2026-10-01");
  v1::ListRequirementsForReviewResponse listed;
  ASSERT_TRUE(
      stub_->ListRequirementsForReview(AuthContext(org_->head_east).get(), review, &listed).ok());
  EXPECT_EQ(listed.since_date(), "2026-09-26");
  bool found = false;
  for (const auto& q : listed.requirements()) found |= q.id() == requirement.id();
  EXPECT_TRUE(found);
  review.set_date("2026-10-09");  // a Friday: the day before is Thursday 10-08
  ASSERT_TRUE(
      stub_->ListRequirementsForReview(AuthContext(org_->head_east).get(), review, &listed).ok());
  EXPECT_EQ(listed.since_date(), "2026-10-08");
  for (const auto& q : listed.requirements()) EXPECT_NE(q.id(), requirement.id());
}

TEST_F(FeedbackE2eTest, EveryStepTheLifecycleDoesNotAllowIsRefusedWithNothingChanged) {
  SetClock(At(2026, 10, 12, 10));
  v1::ServiceRequest r = MustCreateRequest(v1::CONSULTATION, v1::LOW);
  using Stub = v1::FeedbackService::Stub;
  // Each step with the statuses it is allowed from (service_request.proto).
  const std::vector<std::pair<StepCall, std::vector<v1::RequestStatus>>> steps = {
      {&Stub::StartServiceRequest, {v1::ASSIGNED, v1::WAITING_FOR_CUSTOMER}},
      {&Stub::WaitForCustomer, {v1::IN_PROGRESS}},
      {&Stub::ResolveServiceRequest, {v1::IN_PROGRESS}},
      {&Stub::ReopenServiceRequest, {v1::RESOLVED}},
      {&Stub::ArchiveServiceRequest, {v1::FEEDBACK_RECEIVED}},
  };
  auto refuses_the_rest = [&] {
    v1::GetServiceRequestRequest get;
    get.set_id(r.id());
    v1::ServiceRequest before;
    ASSERT_TRUE(stub_->GetServiceRequest(AuthContext(org_->head_east).get(), get, &before).ok());
    SCOPED_TRACE(v1::RequestStatus_Name(before.status()));
    for (const auto& [step, allowed] : steps) {
      if (std::find(allowed.begin(), allowed.end(), before.status()) != allowed.end()) continue;
      v1::ServiceRequestStepRequest request;
      request.set_id(r.id());
      request.set_note("说明");
      v1::ServiceRequest out;
      EXPECT_EQ(
          (stub_.get()->*step)(AuthContext(org_->head_east).get(), request, &out).error_code(),
          grpc::StatusCode::FAILED_PRECONDITION);
    }
    v1::ServiceRequest after;
    ASSERT_TRUE(stub_->GetServiceRequest(AuthContext(org_->head_east).get(), get, &after).ok());
    EXPECT_EQ(after.etag(), before.etag());
    EXPECT_EQ(after.status(), before.status());
  };
  auto step = [&](StepCall call, const std::string& note = "") {
    v1::ServiceRequestStepRequest request;
    request.set_id(r.id());
    request.set_note(note);
    const grpc::Status status =
        (stub_.get()->*call)(AuthContext(org_->head_east).get(), request, &r);
    ASSERT_TRUE(status.ok()) << status.error_message();
  };
  refuses_the_rest();  // created
  v1::AssignServiceRequestRequest assign;
  assign.set_id(r.id());
  assign.set_handler_employee_id(org_->head_east.identity.employee_id());
  ASSERT_TRUE(stub_->AssignServiceRequest(AuthContext(org_->head_east).get(), assign, &r).ok());
  refuses_the_rest();
  step(&Stub::StartServiceRequest);
  refuses_the_rest();
  step(&Stub::WaitForCustomer);
  refuses_the_rest();
  step(&Stub::StartServiceRequest);
  step(&Stub::ResolveServiceRequest, "已答复");
  refuses_the_rest();
  v1::RecordCustomerFeedbackRequest feedback;
  feedback.set_id(r.id());
  feedback.set_satisfaction(5);
  ASSERT_TRUE(stub_->RecordCustomerFeedback(AuthContext(org_->head_east).get(), feedback, &r).ok());
  refuses_the_rest();
  step(&Stub::ArchiveServiceRequest);
  refuses_the_rest();
  EXPECT_EQ(
      stub_->AssignServiceRequest(AuthContext(org_->head_east).get(), assign, &r).error_code(),
      grpc::StatusCode::FAILED_PRECONDITION);
}

TEST_F(FeedbackE2eTest, RequirementsCollectCustomersRequestsAndImplementationsAreRecorded) {
  SetClock(At(2026, 10, 13, 10));
  v1::CreateRequirementRequest create;
  create.mutable_requirement()->set_title("批量导出工单");
  v1::Requirement requirement;
  ASSERT_TRUE(stub_->CreateRequirement(AuthContext(*technician_).get(), create, &requirement).ok());
  v1::LinkRequirementRequestRequest link;
  link.mutable_request()->set_requirement_id(requirement.id());
  link.mutable_request()->set_customer_id(customer_);
  link.mutable_request()->set_description("每月要导出给总部");
  v1::RequirementRequest linked;
  // Service staff read every customer (they take its calls, whoever owns
  // it): the technician, who owns none, links a sales person's customer, and
  // reads it, but cannot change it (no customer.write: refused at once).
  const grpc::Status linked_status =
      stub_->LinkRequirementRequest(AuthContext(*technician_).get(), link, &linked);
  ASSERT_TRUE(linked_status.ok()) << linked_status.error_message();
  auto customers = customer::v1::CustomerService::NewStub(*gateway_);
  customer::v1::GetCustomerRequest get_customer;
  get_customer.set_id(customer_);
  customer::v1::Customer seen;
  ASSERT_TRUE(customers->GetCustomer(AuthContext(*technician_).get(), get_customer, &seen).ok());
  customer::v1::UpdateCustomerRequest change;
  change.mutable_customer()->set_id(customer_);
  change.mutable_customer()->set_etag(seen.etag());
  change.mutable_customer()->set_remarks("维修工改的");
  change.mutable_update_mask()->add_paths("remarks");
  customer::v1::Customer changed;
  EXPECT_EQ(
      customers->UpdateCustomer(AuthContext(*technician_).get(), change, &changed).error_code(),
      grpc::StatusCode::PERMISSION_DENIED);
  v1::GetRequirementRequest get;
  get.set_id(requirement.id());
  ASSERT_TRUE(stub_->GetRequirement(AuthContext(*technician_).get(), get, &requirement).ok());
  EXPECT_EQ(requirement.request_count(), 1);

  v1::CreateImplementationRecordRequest record;
  record.mutable_record()->set_customer_id(customer_);
  record.mutable_record()->set_project("设备联网");
  record.mutable_record()->set_start_date("2026-10-08");
  record.mutable_record()->add_implementer_employee_ids(technician_->identity.employee_id());
  record.mutable_record()->set_work_done("安装网关，调试 12 台设备");
  record.mutable_record()->set_open_issues("2 台设备固件需升级");
  v1::ImplementationRecord created;
  ASSERT_TRUE(
      stub_->CreateImplementationRecord(AuthContext(org_->head_east).get(), record, &created).ok());
  v1::ListImplementationRecordsRequest list;
  list.set_customer_id(customer_);
  v1::ListImplementationRecordsResponse head_sees, other_sees;
  ASSERT_TRUE(
      stub_->ListImplementationRecords(AuthContext(org_->head_centre).get(), list, &head_sees)
          .ok());
  ASSERT_TRUE(
      stub_->ListImplementationRecords(AuthContext(*technician_).get(), list, &other_sees).ok());
  EXPECT_EQ(head_sees.records_size(), 1);
  EXPECT_EQ(other_sees.records_size(), 0);  // recorded by the head, not theirs
}

}  // namespace
}  // namespace crm
