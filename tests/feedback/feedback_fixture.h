// A private schema with the feedback migrations, the service's repositories,
// handlers and SLA worker on it, and callers as the gateway would describe
// them. The customer check and the handler lookup stand in for the customer
// and org services (the end-to-end tests use the real ones).
#pragma once

#include <gtest/gtest.h>

#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "absl/time/civil_time.h"
#include "common/base/clock.h"
#include "common/base/status_util.h"
#include "common/db/database.h"
#include "services/feedback/calendar_handlers.h"
#include "services/feedback/calendar_repository.h"
#include "services/feedback/dispatch_handlers.h"
#include "services/feedback/dispatch_repository.h"
#include "services/feedback/implementation_handlers.h"
#include "services/feedback/implementation_repository.h"
#include "services/feedback/requirement_handlers.h"
#include "services/feedback/requirement_repository.h"
#include "services/feedback/service_request_handlers.h"
#include "services/feedback/service_request_repository.h"
#include "services/feedback/sla_worker.h"
#include "tests/support/callers.h"
#include "tests/support/scratch_database.h"

namespace crm {
std::vector<MigrationFile> FeedbackMigrations();
}

namespace crm::feedback {

class FeedbackTest : public testing::ScratchDatabaseTest {
 protected:
  FeedbackTest() : ScratchDatabaseTest(&FeedbackMigrations), clock_(At(2026, 9, 25, 16)) {}

  static absl::TimeZone Zone() {
    absl::TimeZone zone;
    absl::LoadTimeZone("Asia/Shanghai", &zone);
    return zone;
  }
  static absl::Time At(int y, int m, int d, int hh, int mm = 0) {
    return absl::FromCivil(absl::CivilSecond(y, m, d, hh, mm, 0), Zone());
  }

  void SetUp() override {
    ScratchDatabaseTest::SetUp();
    StartService();
    // Department 2 (/1/2/) has service staff 7 and 8 and head 9; department
    // 3 (/1/3/) technician 11; 5 is management in department 1.
    agent_ = Caller(101, Role::kService, 7, 2, "/1/2/");
    colleague_ = Caller(102, Role::kService, 8, 2, "/1/2/");
    elsewhere_ = Caller(103, Role::kService, 11, 3, "/1/3/");
    head_ = Caller(104, Role::kDepartmentHead, 9, 2, "/1/2/");
    top_head_ = Caller(105, Role::kDepartmentHead, 12, 1, "/1/");
    manager_ = Caller(106, Role::kManagement, 5, 1, "/1/");
  }

  // The service as a process builds it; again after a "restart".
  void StartService() {
    requests_ = std::make_unique<ServiceRequestRepository>(*db_, Zone(), absl::Hours(4));
    const CustomerCheck check_customer = [this](const CallContext&, int64_t customer_id,
                                                int64_t) -> absl::Status {
      if (known_customers_.count(customer_id) == 0) return absl::NotFoundError("no customer");
      return absl::OkStatus();
    };
    const HandlerLookup find_handler = [this](const CallContext&,
                                              int64_t employee_id) -> absl::StatusOr<Owner> {
      auto it = employees_.find(employee_id);
      if (it == employees_.end()) return absl::NotFoundError("no employee");
      return it->second;
    };
    handlers_ =
        std::make_unique<ServiceRequestHandlers>(*requests_, check_customer, find_handler, Zone());
    calendar_ = std::make_unique<CalendarRepository>(*db_);
    calendar_handlers_ = std::make_unique<CalendarHandlers>(*calendar_);
    worker_ = std::make_unique<SlaWorker>(*requests_, std::chrono::hours(1), clock_);
    dispatch_ = std::make_unique<DispatchRepository>(*db_);
    dispatch_handlers_ =
        std::make_unique<DispatchHandlers>(*dispatch_, check_customer, find_handler);
    requirements_ = std::make_unique<RequirementRepository>(*db_);
    requirement_handlers_ =
        std::make_unique<RequirementHandlers>(*requirements_, check_customer, Zone());
    implementations_ = std::make_unique<ImplementationRepository>(*db_);
    implementation_handlers_ =
        std::make_unique<ImplementationHandlers>(*implementations_, check_customer);
  }

  CallContext Caller(int64_t user, Role role, int64_t employee, int64_t department,
                     const std::string& path) {
    return testing::CallerBuilder(user)
        .Roles(Bit(role))
        .Employee(employee)
        .Department(department, path)
        .Clock(&clock_);
  }

  // The holiday week of the unit tests: 09-28 to 09-30 off, Saturday 09-26 worked.
  void WriteHolidayWeek() {
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
      ASSERT_TRUE(calendar_handlers_->SetCalendarDay(manager_, request, &day).ok());
    }
  }

  absl::StatusOr<v1::ServiceRequest> Create(const CallContext& call,
                                            v1::RequestType type = v1::REPAIR,
                                            v1::Priority priority = v1::HIGH,
                                            const std::string& request_id = "") {
    v1::CreateServiceRequestRequest request;
    v1::ServiceRequest& r = *request.mutable_service_request();
    r.set_type(type);
    r.set_priority(priority);
    r.set_customer_id(500);
    r.set_subject("打印机卡纸");
    r.set_description("第三层的打印机每次都卡纸");
    request.set_request_id(request_id);
    v1::ServiceRequest created;
    CRM_RETURN_IF_ERROR(handlers_->CreateServiceRequest(call, request, &created));
    return created;
  }

  absl::StatusOr<v1::ServiceRequest> Get(const CallContext& call, int64_t id) {
    v1::GetServiceRequestRequest request;
    request.set_id(id);
    v1::ServiceRequest r;
    CRM_RETURN_IF_ERROR(handlers_->GetServiceRequest(call, request, &r));
    return r;
  }

  absl::StatusOr<v1::ServiceRequest> Assign(const CallContext& call, int64_t id, int64_t employee) {
    v1::AssignServiceRequestRequest request;
    request.set_id(id);
    request.set_handler_employee_id(employee);
    v1::ServiceRequest r;
    CRM_RETURN_IF_ERROR(handlers_->AssignServiceRequest(call, request, &r));
    return r;
  }

  using StepMethod = absl::Status (ServiceRequestHandlers::*)(const CallContext&,
                                                              const v1::ServiceRequestStepRequest&,
                                                              v1::ServiceRequest*);
  absl::StatusOr<v1::ServiceRequest> Step(const CallContext& call, StepMethod method, int64_t id,
                                          const std::string& note = "") {
    v1::ServiceRequestStepRequest request;
    request.set_id(id);
    request.set_note(note);
    v1::ServiceRequest r;
    CRM_RETURN_IF_ERROR((handlers_.get()->*method)(call, request, &r));
    return r;
  }

  absl::StatusOr<v1::ServiceRequest> Feedback(const CallContext& call, int64_t id,
                                              int satisfaction) {
    v1::RecordCustomerFeedbackRequest request;
    request.set_id(id);
    request.set_satisfaction(satisfaction);
    request.set_comment("很满意");
    v1::ServiceRequest r;
    CRM_RETURN_IF_ERROR(handlers_->RecordCustomerFeedback(call, request, &r));
    return r;
  }

  absl::StatusOr<v1::ServiceRequest> Visit(const CallContext& call, int64_t id, bool satisfied,
                                           const std::string& request_id = "") {
    v1::RecordReturnVisitRequest request;
    request.mutable_visit()->set_service_request_id(id);
    request.mutable_visit()->set_method(v1::PHONE_CALL);
    request.mutable_visit()->set_customer_response(satisfied ? "已经好了，谢谢" : "还是有问题");
    request.mutable_visit()->set_satisfied(satisfied);
    request.set_request_id(request_id);
    v1::ServiceRequest r;
    CRM_RETURN_IF_ERROR(handlers_->RecordReturnVisit(call, request, &r));
    return r;
  }

  std::vector<v1::Escalation> MyEscalations(const CallContext& call) {
    v1::ListMyEscalationsRequest request;
    v1::ListMyEscalationsResponse response;
    EXPECT_TRUE(handlers_->ListMyEscalations(call, request, &response).ok());
    return {response.escalations().begin(), response.escalations().end()};
  }

  std::vector<int64_t> SlaList(const CallContext& call, bool overdue, int64_t department = 0) {
    v1::ListSlaRequestsRequest request;
    request.set_department_id(department);
    v1::ListSlaRequestsResponse response;
    const absl::Status status = overdue ? handlers_->ListOverdue(call, request, &response)
                                        : handlers_->ListAtRisk(call, request, &response);
    EXPECT_TRUE(status.ok()) << status;
    std::vector<int64_t> ids;
    for (const v1::ServiceRequest& r : response.service_requests()) ids.push_back(r.id());
    return ids;
  }

  int64_t Changes() { return Count("SELECT COUNT(*) FROM change_log"); }
  int64_t Events() { return Count("SELECT COUNT(*) FROM service_request_events"); }

  ManualClock clock_;
  std::set<int64_t> known_customers_ = {500, 501};
  std::map<int64_t, Owner> employees_ = {
      {7, {7, 2, "/1/2/"}}, {8, {8, 2, "/1/2/"}}, {11, {11, 3, "/1/3/"}}};
  std::unique_ptr<ServiceRequestRepository> requests_;
  std::unique_ptr<ServiceRequestHandlers> handlers_;
  std::unique_ptr<CalendarRepository> calendar_;
  std::unique_ptr<CalendarHandlers> calendar_handlers_;
  std::unique_ptr<SlaWorker> worker_;
  std::unique_ptr<DispatchRepository> dispatch_;
  std::unique_ptr<DispatchHandlers> dispatch_handlers_;
  std::unique_ptr<RequirementRepository> requirements_;
  std::unique_ptr<RequirementHandlers> requirement_handlers_;
  std::unique_ptr<ImplementationRepository> implementations_;
  std::unique_ptr<ImplementationHandlers> implementation_handlers_;
  CallContext agent_, colleague_, elsewhere_, head_, top_head_, manager_;
};

}  // namespace crm::feedback
