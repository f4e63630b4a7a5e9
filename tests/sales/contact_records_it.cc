// Contact records (R13) and reminders (R43) against a real MariaDB: field
// rules in the company's calendar, lists by customer, owner and dates, the
// follow-up of a named opportunity, and each person's reminders.
#include "absl/strings/match.h"
#include "tests/sales/sales_fixture.h"

namespace crm::sales {
namespace {

class ContactRecordsTest : public SalesTest {
 protected:
  absl::StatusOr<v1::ContactRecord> Record(const CallContext& as, int64_t customer,
                                           const std::string& date,
                                           const std::string& reminder = "",
                                           int64_t opportunity = 0) {
    v1::CreateContactRecordRequest request;
    v1::ContactRecord& r = *request.mutable_record();
    r.set_customer_id(customer);
    r.set_contact_date(date);
    r.set_method(v1::VISIT);
    r.set_subject("上门拜访");
    r.set_content("了解配电改造需求\n客户关注交期");
    r.set_next_step("发送方案");
    r.set_reminder_date(reminder);
    r.set_opportunity_id(opportunity);
    v1::ContactRecord created;
    CRM_RETURN_IF_ERROR(contact_record_handlers_->CreateContactRecord(as, request, &created));
    return created;
  }

  absl::StatusOr<v1::Opportunity> Opportunity(const CallContext& as, int64_t customer,
                                              const std::string& close) {
    v1::CreateOpportunityRequest request;
    request.mutable_opportunity()->set_customer_id(customer);
    request.mutable_opportunity()->set_title("配电柜项目");
    request.mutable_opportunity()->set_stage_code("lead");
    request.mutable_opportunity()->set_expected_close_date(close);
    v1::Opportunity created;
    CRM_RETURN_IF_ERROR(opportunity_handlers_->CreateOpportunity(as, request, &created));
    return created;
  }

  std::vector<int64_t> List(const CallContext& as, v1::ListContactRecordsRequest request) {
    request.set_page_size(2);
    std::vector<int64_t> ids;
    for (;;) {
      v1::ListContactRecordsResponse response;
      const absl::Status status =
          contact_record_handlers_->ListContactRecords(as, request, &response);
      EXPECT_TRUE(status.ok()) << status;
      for (const auto& r : response.records()) ids.push_back(r.id());
      if (!status.ok() || response.next_page_token().empty()) return ids;
      request.set_page_token(response.next_page_token());
    }
  }
};

TEST_F(ContactRecordsTest, ARecordTakesTodayInTheCompanysZoneAndRefusesTheFuture) {
  // 2026-12-05 17:00 UTC is already 12-06 in Shanghai.
  clock_.Set(absl::FromCivil(absl::CivilSecond(2026, 12, 5, 17, 0, 0), absl::UTCTimeZone()));
  absl::StatusOr<v1::ContactRecord> r = Record(sales_a_, 500, "");
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->contact_date(), "2026-12-06");
  EXPECT_EQ(r->owner_employee_id(), 7);
  EXPECT_EQ(r->content(), "了解配电改造需求\n客户关注交期");
  absl::StatusOr<v1::ContactRecord> future = Record(sales_a_, 500, "2026-12-07");
  EXPECT_EQ(future.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(absl::StrContains(future.status().message(), "record.contact_date"));
  v1::CreateContactRecordRequest bad;
  bad.mutable_record()->set_customer_id(500);
  bad.mutable_record()->set_reminder_date("2026-13-01");
  v1::ContactRecord ignored;
  const absl::Status status =
      contact_record_handlers_->CreateContactRecord(sales_a_, bad, &ignored);
  ASSERT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  for (const char* field : {"record.method", "record.subject", "record.reminder_date"}) {
    EXPECT_TRUE(absl::StrContains(status.message(), field)) << field << ": " << status;
  }
  EXPECT_EQ(Record(sales_a_, 999, "2026-12-01").status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM contact_records"), 1);
}

TEST_F(ContactRecordsTest, ListsGoByCustomerOwnerAndDatesUnderVisibility) {
  const int64_t a1 = Record(sales_a_, 500, "2026-11-01")->id();
  const int64_t a2 = Record(sales_a_, 501, "2026-11-20")->id();
  const int64_t a3 = Record(sales_a_, 500, "2026-12-03")->id();
  const int64_t b1 = Record(sales_b_, 500, "2026-11-25")->id();
  EXPECT_EQ(List(sales_a_, {}), (std::vector<int64_t>{a3, a2, a1}));
  EXPECT_EQ(List(head_, {}), (std::vector<int64_t>{a3, b1, a2, a1}));
  v1::ListContactRecordsRequest by_customer;
  by_customer.set_customer_id(500);
  EXPECT_EQ(List(head_, by_customer), (std::vector<int64_t>{a3, b1, a1}));
  v1::ListContactRecordsRequest november;
  november.set_from_date("2026-11-01");
  november.set_to_date("2026-11-30");
  november.set_owner_employee_id(7);
  EXPECT_EQ(List(head_, november), (std::vector<int64_t>{a2, a1}));
  v1::GetContactRecordRequest get;
  get.set_id(b1);
  v1::ContactRecord read;
  EXPECT_EQ(contact_record_handlers_->GetContactRecord(sales_a_, get, &read).code(),
            absl::StatusCode::kNotFound);
}

TEST_F(ContactRecordsTest, ARecordNamingAnOpportunityFollowsItUp) {
  const int64_t opportunity = Opportunity(sales_a_, 500, "2027-03-01")->id();
  clock_.Advance(absl::Hours(24 * 29));
  ASSERT_TRUE(Record(sales_a_, 500, "", "", opportunity).ok());
  clock_.Advance(absl::Hours(24 * 2));  // 31 days after creation, 2 after the visit
  v1::ListStaleOpportunitiesRequest stale;
  v1::ListStaleOpportunitiesResponse listed;
  ASSERT_TRUE(opportunity_handlers_->ListStaleOpportunities(sales_a_, stale, &listed).ok());
  EXPECT_EQ(listed.opportunities_size(), 0);
  // Another customer's opportunity, someone else's, or a closed one: refused.
  absl::StatusOr<v1::ContactRecord> wrong = Record(sales_a_, 501, "", "", opportunity);
  EXPECT_EQ(wrong.status().code(), absl::StatusCode::kInvalidArgument) << wrong.status();
  EXPECT_EQ(Record(sales_b_, 500, "", "", opportunity).status().code(),
            absl::StatusCode::kNotFound);
  v1::CloseOpportunityRequest close;
  close.set_id(opportunity);
  close.set_reason("签约");
  close.set_won(true);
  v1::Opportunity closed;
  ASSERT_TRUE(opportunity_handlers_->CloseOpportunity(sales_a_, close, &closed).ok());
  EXPECT_EQ(Record(sales_a_, 500, "", "", opportunity).status().code(),
            absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM contact_records"), 1);
}

TEST_F(ContactRecordsTest, RemindersAreEachPersonsOwnNextStepsClosesAndDeliveries) {
  ASSERT_TRUE(Record(sales_a_, 500, "2026-12-01", "2026-12-10").ok());
  ASSERT_TRUE(Record(sales_a_, 500, "2026-12-01", "2026-12-30").ok());  // out of range
  ASSERT_TRUE(Record(sales_b_, 501, "2026-12-01", "2026-12-10").ok());  // someone else's
  const int64_t opportunity = Opportunity(sales_a_, 500, "2026-12-08")->id();
  const v1::Product p = AddProduct("断路器", 100, 10'000);
  v1::Order draft = OrderOf(501, {{p.id(), 1'000}});
  draft.set_delivery_date("2026-12-10");
  absl::StatusOr<v1::Order> order = Create(sales_a_, draft);
  ASSERT_TRUE(order.ok()) << order.status();
  ASSERT_TRUE(Confirm(sales_a_, order->id()).ok());
  v1::Order unconfirmed = *Create(sales_a_, draft);  // a draft promises nothing yet

  v1::ListMyRemindersRequest request;
  request.set_from_date("2026-12-06");
  request.set_to_date("2026-12-12");
  v1::ListMyRemindersResponse response;
  ASSERT_TRUE(contact_record_handlers_->ListMyReminders(sales_a_, request, &response).ok());
  ASSERT_EQ(response.reminders_size(), 3);
  EXPECT_EQ(response.reminders(0).kind(), v1::Reminder::EXPECTED_CLOSE);
  EXPECT_EQ(response.reminders(0).date(), "2026-12-08");
  EXPECT_EQ(response.reminders(0).record_id(), opportunity);
  EXPECT_EQ(response.reminders(1).kind(), v1::Reminder::NEXT_STEP);
  EXPECT_EQ(response.reminders(1).text(), "发送方案");
  EXPECT_EQ(response.reminders(2).kind(), v1::Reminder::DELIVERY);
  EXPECT_EQ(response.reminders(2).text(), order->number());
  EXPECT_NE(response.reminders(2).record_id(), unconfirmed.id());
  request.set_to_date("2027-06-01");
  EXPECT_EQ(contact_record_handlers_->ListMyReminders(sales_a_, request, &response).code(),
            absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace crm::sales
