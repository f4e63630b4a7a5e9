// Customer events (R8) against a real MariaDB: types from the dictionary,
// the contact check, last activity, idempotent creates, visibility through
// the customer, deletes and filtered newest-first lists.
#include <google/protobuf/util/time_util.h>

#include "crm/common/v1/changes.pb.h"
#include "crm/feedback/v1/service_request.pb.h"
#include "services/customer/complaint_events.h"
#include "services/customer/contact_repository.h"
#include "services/customer/event_handlers.h"
#include "services/customer/event_repository.h"
#include "tests/customer/customer_fixture.h"

namespace crm::customer {
namespace {

using google::protobuf::Timestamp;
using google::protobuf::util::TimeUtil;

Timestamp At(const std::string& rfc3339) {
  Timestamp t;
  EXPECT_TRUE(TimeUtil::FromString(rfc3339, &t)) << rfc3339;
  return t;
}

class EventTest : public CustomerRepositoryTest {
 protected:
  void SetUp() override {
    CustomerRepositoryTest::SetUp();
    events_ = std::make_unique<EventRepository>(*db_);
    handlers_ = std::make_unique<EventHandlers>(*events_);
    contacts_ = std::make_unique<ContactRepository>(*db_);
  }

  int64_t NewCustomer(const CallContext& call, const std::string& name) {
    auto created = repo_->Create(call, Sample(name), "", false);
    EXPECT_TRUE(created.ok()) << created.status();
    return created.ok() ? created->id() : 0;
  }

  static v1::CustomerEvent Event(int64_t customer_id, const std::string& type,
                                 const std::string& when, const std::string& title) {
    v1::CustomerEvent e;
    e.set_customer_id(customer_id);
    e.set_type_code(type);
    *e.mutable_occur_time() = At(when);
    e.set_title(title);
    e.set_description("详细情况\n第二行");
    return e;
  }

  absl::StatusOr<v1::CustomerEvent> Create(const CallContext& call, const v1::CustomerEvent& e,
                                           const std::string& request_id = "") {
    v1::CreateCustomerEventRequest request;
    *request.mutable_event() = e;
    request.set_request_id(request_id);
    v1::CustomerEvent response;
    CRM_RETURN_IF_ERROR(handlers_->CreateCustomerEvent(call, request, &response));
    return response;
  }

  absl::Status Delete(const CallContext& call, int64_t id) {
    v1::DeleteCustomerEventRequest request;
    request.set_id(id);
    google::protobuf::Empty response;
    return handlers_->DeleteCustomerEvent(call, request, &response);
  }

  // Every page of a list, as titles.
  absl::StatusOr<std::vector<std::string>> Titles(const CallContext& call,
                                                  v1::ListCustomerEventsRequest request,
                                                  int64_t* total = nullptr) {
    request.set_page_size(2);
    std::vector<std::string> titles;
    for (;;) {
      v1::ListCustomerEventsResponse page;
      CRM_RETURN_IF_ERROR(handlers_->ListCustomerEvents(call, request, &page));
      for (const auto& e : page.events()) titles.push_back(e.title());
      if (total != nullptr) *total = page.total_size();
      if (page.next_page_token().empty()) return titles;
      request.set_page_token(page.next_page_token());
    }
  }

  std::unique_ptr<EventRepository> events_;
  std::unique_ptr<EventHandlers> handlers_;
  std::unique_ptr<ContactRepository> contacts_;
};

TEST_F(EventTest, CreateRecordsTheEventAndMovesLastActivityUp) {
  const int64_t customer = NewCustomer(call_, "事件客户");
  const v1::Customer before = *repo_->Get(call_, customer);
  auto visit = Create(call_, Event(customer, "visit", "2030-03-01T09:30:00.123456Z", "上门拜访"));
  ASSERT_TRUE(visit.ok()) << visit.status();
  EXPECT_GT(visit->id(), 0);
  EXPECT_EQ(visit->recorded_by(), 7);
  EXPECT_EQ(TimeUtil::ToString(visit->occur_time()), "2030-03-01T09:30:00.123456Z");
  EXPECT_EQ(visit->description(), "详细情况\n第二行");
  EXPECT_TRUE(visit->has_create_time());

  v1::Customer after = *repo_->Get(call_, customer);
  EXPECT_EQ(TimeUtil::ToString(after.last_activity_time()), "2030-03-01T09:30:00.123456Z");
  EXPECT_EQ(after.etag(), before.etag());  // not an edit of the customer
  // An older event leaves it where it is.
  ASSERT_TRUE(Create(call_, Event(customer, "call", "2029-01-01T00:00:00Z", "电话")).ok());
  after = *repo_->Get(call_, customer);
  EXPECT_EQ(TimeUtil::ToString(after.last_activity_time()), "2030-03-01T09:30:00.123456Z");
  EXPECT_EQ(Count("SELECT COUNT(*) FROM change_log"
                  " WHERE entity_type = 'crm.customer.v1.CustomerEvent' AND operation = 1"),
            2);
}

TEST_F(EventTest, TypesMustBeActiveAndContactsOfTheSameCustomer) {
  const int64_t customer = NewCustomer(call_, "类型客户");
  const int64_t other_customer = NewCustomer(call_, "别的客户");
  v1::Contact person;
  person.set_customer_id(other_customer);
  person.set_name("别人的联系人");
  auto stranger = contacts_->Create(call_, person, "");
  ASSERT_TRUE(stranger.ok()) << stranger.status();
  person.set_customer_id(customer);
  person.set_name("自己的联系人");
  auto own = contacts_->Create(call_, person, "");
  ASSERT_TRUE(own.ok()) << own.status();

  auto expect_invalid = [&](const v1::CustomerEvent& e, const std::string& field) {
    auto created = Create(call_, e);
    ASSERT_EQ(created.status().code(), absl::StatusCode::kInvalidArgument) << field;
    EXPECT_NE(std::string(created.status().message()).find(field), std::string::npos)
        << created.status();
  };
  expect_invalid(Event(customer, "party", "2030-01-01T00:00:00Z", "聚会"), "event.type_code");
  CallContext admin = As(1, Bit(Role::kAdministrator));
  ASSERT_TRUE(reference_->RetireEntry(admin, v1::DICTIONARY_KIND_EVENT_TYPE, "gift").ok());
  expect_invalid(Event(customer, "gift", "2030-01-01T00:00:00Z", "送礼"), "event.type_code");
  // A code of another dictionary is no event type.
  expect_invalid(Event(customer, "buyer", "2030-01-01T00:00:00Z", "购买"), "event.type_code");
  v1::CustomerEvent e = Event(customer, "meeting", "2030-01-01T00:00:00Z", "会议");
  e.set_contact_id(stranger->id());
  expect_invalid(e, "event.contact_id");
  e.clear_occur_time();
  expect_invalid(e, "event.occur_time");
  e = Event(customer, "meeting", "2030-01-01T00:00:00Z", "");
  expect_invalid(e, "event.title");
  e = Event(customer, "meeting", "2030-01-01T00:00:00Z", std::string(201, 'x'));
  expect_invalid(e, "event.title");
  e = Event(customer, "meeting", "2030-01-01T00:00:00Z", "会议");
  e.set_description(std::string(4001, 'x'));
  expect_invalid(e, "event.description");
  expect_invalid(Event(0, "visit", "2030-01-01T00:00:00Z", "无客户"), "event.customer_id");
  EXPECT_EQ(Count("SELECT COUNT(*) FROM customer_events"), 0);

  e = Event(customer, "meeting", "2030-01-01T00:00:00Z", "会议");
  e.set_contact_id(own->id());
  auto created = Create(call_, e);
  ASSERT_TRUE(created.ok()) << created.status();
  EXPECT_EQ(created->contact_id(), own->id());
}

TEST_F(EventTest, CreatesAreIdempotentOnRequestId) {
  const int64_t customer = NewCustomer(call_, "幂等事件客户");
  auto first = Create(call_, Event(customer, "visit", "2030-01-01T00:00:00Z", "拜访"), "ev-1");
  auto again = Create(call_, Event(customer, "visit", "2030-01-01T00:00:00Z", "拜访"), "ev-1");
  ASSERT_TRUE(first.ok() && again.ok());
  EXPECT_EQ(first->id(), again->id());
  EXPECT_EQ(Count("SELECT COUNT(*) FROM customer_events"), 1);
}

TEST_F(EventTest, EventsAreSeenAndChangedThroughTheirCustomer) {
  CallContext owner = As(201, Bit(Role::kSales), 21, "/1/2/");
  CallContext other = As(202, Bit(Role::kSales), 22, "/1/3/");
  const int64_t customer = NewCustomer(owner, "甲的客户");
  auto event = Create(owner, Event(customer, "complaint", "2030-01-01T00:00:00Z", "投诉"));
  ASSERT_TRUE(event.ok()) << event.status();

  int64_t total = -1;
  EXPECT_TRUE(Titles(other, {}, &total)->empty());
  EXPECT_EQ(total, 0);
  EXPECT_EQ(
      Create(other, Event(customer, "visit", "2030-01-02T00:00:00Z", "乙的拜访")).status().code(),
      absl::StatusCode::kNotFound);
  EXPECT_EQ(Delete(other, event->id()).code(), absl::StatusCode::kNotFound);

  ASSERT_TRUE(pool_repository_->Share(owner, customer, {22}).ok());
  EXPECT_EQ(Titles(other, {}, &total)->size(), 1u);
  EXPECT_EQ(total, 1);
  EXPECT_EQ(
      Create(other, Event(customer, "visit", "2030-01-02T00:00:00Z", "乙的拜访")).status().code(),
      absl::StatusCode::kNotFound);
  EXPECT_EQ(Delete(other, event->id()).code(), absl::StatusCode::kNotFound);

  ASSERT_TRUE(Delete(owner, event->id()).ok());
  EXPECT_EQ(Delete(owner, event->id()).code(), absl::StatusCode::kNotFound);
  EXPECT_TRUE(Titles(owner, {})->empty());
  EXPECT_EQ(Count("SELECT COUNT(*) FROM change_log"
                  " WHERE entity_type = 'crm.customer.v1.CustomerEvent' AND operation = 3"),
            1);
}

TEST_F(EventTest, ListsFilterByCustomerTypeAndTimeNewestFirst) {
  const int64_t first = NewCustomer(call_, "第一客户");
  const int64_t second = NewCustomer(call_, "第二客户");
  ASSERT_TRUE(Create(call_, Event(first, "visit", "2030-01-01T08:00:00Z", "一月拜访")).ok());
  ASSERT_TRUE(Create(call_, Event(first, "call", "2030-02-01T08:00:00Z", "二月电话")).ok());
  ASSERT_TRUE(Create(call_, Event(first, "visit", "2030-03-01T08:00:00Z", "三月拜访")).ok());
  ASSERT_TRUE(Create(call_, Event(second, "visit", "2030-02-15T08:00:00Z", "乙二月拜访")).ok());
  // Same time: the later id first.
  ASSERT_TRUE(Create(call_, Event(second, "call", "2030-02-15T08:00:00Z", "乙二月电话")).ok());

  int64_t total = 0;
  EXPECT_EQ(
      *Titles(call_, {}, &total),
      (std::vector<std::string>{"三月拜访", "乙二月电话", "乙二月拜访", "二月电话", "一月拜访"}));
  EXPECT_EQ(total, 5);

  v1::ListCustomerEventsRequest by_customer;
  by_customer.set_customer_id(first);
  EXPECT_EQ(*Titles(call_, by_customer, &total),
            (std::vector<std::string>{"三月拜访", "二月电话", "一月拜访"}));
  EXPECT_EQ(total, 3);

  v1::ListCustomerEventsRequest visits;
  visits.set_type_code("visit");
  EXPECT_EQ(*Titles(call_, visits, &total),
            (std::vector<std::string>{"三月拜访", "乙二月拜访", "一月拜访"}));

  v1::ListCustomerEventsRequest february;
  *february.mutable_occur_after() = At("2030-02-01T08:00:00Z");   // inclusive
  *february.mutable_occur_before() = At("2030-03-01T08:00:00Z");  // exclusive
  EXPECT_EQ(*Titles(call_, february, &total),
            (std::vector<std::string>{"乙二月电话", "乙二月拜访", "二月电话"}));
  EXPECT_EQ(total, 3);
  february.set_customer_id(second);
  february.set_type_code("call");
  EXPECT_EQ(*Titles(call_, february, &total), (std::vector<std::string>{"乙二月电话"}));

  v1::ListCustomerEventsRequest bad;
  bad.set_type_code("Not A Code");
  v1::ListCustomerEventsResponse response;
  EXPECT_EQ(handlers_->ListCustomerEvents(call_, bad, &response).code(),
            absl::StatusCode::kInvalidArgument);
}

TEST_F(EventTest, AComplaintInTheFeedbackFeedIsOneEventOfItsCustomerKeptUpToDate) {
  const int64_t customer = NewCustomer(call_, "投诉客户");
  feedback::v1::ServiceRequest complaint;
  complaint.set_id(42);
  complaint.set_type(feedback::v1::COMPLAINT);
  complaint.set_customer_id(customer);
  complaint.set_subject("送货延误");
  complaint.set_status(feedback::v1::IN_PROGRESS);
  complaint.set_owner_employee_id(7);
  *complaint.mutable_create_time() = At("2026-10-08T02:00:00Z");
  common::v1::Change change;
  *change.mutable_change_time() = At("2026-10-08T02:00:00Z");
  change.mutable_state()->PackFrom(complaint);
  auto apply = [&] {
    return db_->RunInTransaction("apply", Deadline::max(), [&](MySqlConnection& c) -> absl::Status {
      ApplyFeedbackChange(c, change);
      return absl::OkStatus();
    });
  };
  ASSERT_TRUE(apply().ok());
  // Later changes of the same complaint update its one event.
  complaint.set_status(feedback::v1::ARCHIVED);
  complaint.set_satisfaction(4);
  change.mutable_state()->PackFrom(complaint);
  ASSERT_TRUE(apply().ok());
  ASSERT_TRUE(apply().ok());  // read again after a restart: nothing new
  EXPECT_EQ(Count("SELECT COUNT(*) FROM customer_events WHERE type_code = 'complaint'"), 1);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM customer_events WHERE description LIKE '%ARCHIVED%4/5%'"),
            1);
  // A request that is no complaint, and a complaint of a customer that no
  // longer exists, are skipped without stopping the feed.
  complaint.set_id(43);
  complaint.set_type(feedback::v1::REPAIR);
  change.mutable_state()->PackFrom(complaint);
  ASSERT_TRUE(apply().ok());
  complaint.set_id(44);
  complaint.set_type(feedback::v1::COMPLAINT);
  complaint.set_customer_id(999999);
  change.mutable_state()->PackFrom(complaint);
  ASSERT_TRUE(apply().ok());
  EXPECT_EQ(Count("SELECT COUNT(*) FROM customer_events"), 1);
}

}  // namespace
}  // namespace crm::customer
