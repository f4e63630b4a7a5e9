// The requirement library and implementation records against a real
// MariaDB: deduplication by linking, the status steps, the daily review over
// the working calendar, and implementation records under visibility.
#include <gtest/gtest.h>

#include "tests/feedback/feedback_fixture.h"

namespace crm::feedback {
namespace {

class LibraryTest : public FeedbackTest {
 protected:
  absl::StatusOr<v1::Requirement> CreateRequirement(const std::string& title) {
    v1::CreateRequirementRequest request;
    request.mutable_requirement()->set_title(title);
    request.mutable_requirement()->set_description("客户希望支持");
    v1::Requirement created;
    CRM_RETURN_IF_ERROR(requirement_handlers_->CreateRequirement(agent_, request, &created));
    return created;
  }

  absl::Status Link(const CallContext& call, int64_t requirement, int64_t customer) {
    v1::LinkRequirementRequestRequest request;
    request.mutable_request()->set_requirement_id(requirement);
    request.mutable_request()->set_customer_id(customer);
    request.mutable_request()->set_description("我们也需要这个");
    v1::RequirementRequest linked;
    return requirement_handlers_->LinkRequirementRequest(call, request, &linked);
  }

  absl::StatusOr<v1::Requirement> SetStatus(int64_t id, v1::RequirementStatus status) {
    v1::UpdateRequirementRequest request;
    request.mutable_requirement()->set_id(id);
    v1::GetRequirementRequest get;
    get.set_id(id);
    v1::Requirement current;
    if (requirement_handlers_->GetRequirement(head_, get, &current).ok()) {
      request.mutable_requirement()->set_etag(current.etag());
    }
    request.mutable_requirement()->set_status(status);
    request.mutable_requirement()->set_handling_opinion("评估后处理");
    request.mutable_update_mask()->add_paths("status");
    request.mutable_update_mask()->add_paths("handling_opinion");
    v1::Requirement updated;
    CRM_RETURN_IF_ERROR(requirement_handlers_->UpdateRequirement(head_, request, &updated));
    return updated;
  }

  std::vector<int64_t> Review(const std::string& date, std::string* since = nullptr) {
    v1::ListRequirementsForReviewRequest request;
    request.set_date(date);
    v1::ListRequirementsForReviewResponse response;
    const absl::Status status =
        requirement_handlers_->ListRequirementsForReview(head_, request, &response);
    EXPECT_TRUE(status.ok()) << status;
    if (since) *since = response.since_date();
    std::vector<int64_t> ids;
    for (const auto& q : response.requirements()) ids.push_back(q.id());
    return ids;
  }
};

TEST_F(LibraryTest, RequestsOfSeveralCustomersLinkToOneRequirement) {
  absl::StatusOr<v1::Requirement> q = CreateRequirement("报表导出为 Excel");
  ASSERT_TRUE(q.ok()) << q.status();
  EXPECT_EQ(q->status(), v1::NEW);
  ASSERT_TRUE(Link(agent_, q->id(), 500).ok());
  ASSERT_TRUE(Link(agent_, q->id(), 501).ok());
  EXPECT_EQ(Link(agent_, q->id(), 999).code(), absl::StatusCode::kNotFound);  // unseen customer
  EXPECT_EQ(Link(agent_, 12345, 500).code(), absl::StatusCode::kNotFound);    // no requirement
  v1::GetRequirementRequest get;
  get.set_id(q->id());
  v1::Requirement read;
  ASSERT_TRUE(requirement_handlers_->GetRequirement(agent_, get, &read).ok());
  EXPECT_EQ(read.request_count(), 2);
  // Only the customers the caller may see are listed.
  known_customers_ = {500};
  v1::ListRequirementRequestsRequest list;
  list.set_requirement_id(q->id());
  v1::ListRequirementRequestsResponse requests;
  ASSERT_TRUE(requirement_handlers_->ListRequirementRequests(agent_, list, &requests).ok());
  ASSERT_EQ(requests.requests_size(), 1);
  EXPECT_EQ(requests.requests(0).customer_id(), 500);
}

TEST_F(LibraryTest, StatusStepsFollowTheLibrarysRulesAndAWrongOneChangesNothing) {
  absl::StatusOr<v1::Requirement> q = CreateRequirement("移动端审批");
  ASSERT_TRUE(q.ok());
  const int64_t changes = Changes();
  EXPECT_EQ(SetStatus(q->id(), v1::DELIVERED).status().code(),
            absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(Changes(), changes);
  for (v1::RequirementStatus s : {v1::UNDER_REVIEW, v1::REJECTED, v1::UNDER_REVIEW, v1::ACCEPTED,
                                  v1::SCHEDULED, v1::DELIVERED}) {
    absl::StatusOr<v1::Requirement> updated = SetStatus(q->id(), s);
    ASSERT_TRUE(updated.ok()) << v1::RequirementStatus_Name(s) << ": " << updated.status();
    EXPECT_EQ(updated->status(), s);
  }
  EXPECT_EQ(SetStatus(q->id(), v1::NEW).status().code(), absl::StatusCode::kFailedPrecondition);
}

TEST_F(LibraryTest, TheDailyReviewShowsWhatChangedSinceTheLastWorkingDay) {
  WriteHolidayWeek();               // 09-28..30 holidays, Saturday 09-26 worked
  clock_.Set(At(2026, 9, 24, 15));  // Thursday
  absl::StatusOr<v1::Requirement> old = CreateRequirement("旧需求");
  clock_.Set(At(2026, 9, 25, 10));  // Friday
  absl::StatusOr<v1::Requirement> friday = CreateRequirement("周五的新需求");
  clock_.Set(At(2026, 9, 26, 11));  // the make-up Saturday
  absl::StatusOr<v1::Requirement> saturday = CreateRequirement("调休日的新需求");
  ASSERT_TRUE(old.ok() && friday.ok() && saturday.ok());
  // Thursday 10-01, after the holiday: the last working day was Saturday.
  clock_.Set(At(2026, 10, 1, 9));
  std::string since;
  EXPECT_EQ(Review("", &since), std::vector<int64_t>{saturday->id()});
  EXPECT_EQ(since, "2026-09-26");
  // A request linked to the old one on Thursday brings it back into review.
  ASSERT_TRUE(Link(agent_, old->id(), 500).ok());
  EXPECT_EQ(Review("2026-10-01"), (std::vector<int64_t>{old->id(), saturday->id()}));
  // On Saturday 09-26 the last working day was Friday.
  EXPECT_EQ(Review("2026-09-26", &since).size(), 3u);
  EXPECT_EQ(since, "2026-09-25");
}

TEST_F(LibraryTest, ImplementationRecordsAreKeptPerCustomerAndProjectUnderVisibility) {
  v1::CreateImplementationRecordRequest create;
  v1::ImplementationRecord& m = *create.mutable_record();
  m.set_customer_id(500);
  m.set_project("MES 一期");
  m.set_start_date("2026-09-01");
  m.set_end_date("2026-09-20");
  m.add_implementer_employee_ids(7);
  m.add_implementer_employee_ids(8);
  m.set_work_done("部署服务器，导入物料主数据");
  m.set_open_issues("条码打印机驱动待更新");
  v1::ImplementationRecord created;
  ASSERT_TRUE(implementation_handlers_->CreateImplementationRecord(agent_, create, &created).ok());
  EXPECT_EQ(created.implementer_employee_ids_size(), 2);
  EXPECT_EQ(created.end_date(), "2026-09-20");
  // An edit of the open issues, by mask.
  v1::UpdateImplementationRecordRequest update;
  update.mutable_record()->set_id(created.id());
  update.mutable_record()->set_etag(created.etag());
  update.mutable_record()->set_open_issues("");
  update.mutable_update_mask()->add_paths("open_issues");
  v1::ImplementationRecord updated;
  ASSERT_TRUE(implementation_handlers_->UpdateImplementationRecord(agent_, update, &updated).ok());
  EXPECT_EQ(updated.open_issues(), "");
  EXPECT_NE(updated.etag(), created.etag());
  // Bad input, by field, writes nothing.
  const int64_t changes = Changes();
  m.set_end_date("2026-08-01");
  m.clear_implementer_employee_ids();
  v1::ImplementationRecord refused;
  const absl::Status status =
      implementation_handlers_->CreateImplementationRecord(agent_, create, &refused);
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(status.message().find("record.end_date"), std::string::npos);
  EXPECT_NE(status.message().find("record.implementer_employee_ids"), std::string::npos);
  EXPECT_EQ(Changes(), changes);
  // Lists by customer and project, within the caller's scope.
  v1::ListImplementationRecordsRequest list;
  list.set_customer_id(500);
  list.set_project("MES 一期");
  v1::ListImplementationRecordsResponse mine, theirs;
  ASSERT_TRUE(implementation_handlers_->ListImplementationRecords(agent_, list, &mine).ok());
  ASSERT_TRUE(implementation_handlers_->ListImplementationRecords(elsewhere_, list, &theirs).ok());
  EXPECT_EQ(mine.records_size(), 1);
  EXPECT_EQ(theirs.records_size(), 0);
}

TEST_F(LibraryTest, ABroadListCountsUpToTenThousandAndSaysMore) {
  Exec(
      "INSERT INTO requirements (title, description, status, created_at, updated_at)"
      " SELECT CONCAT('需求 ', seq), '', 1, UTC_TIMESTAMP(6), UTC_TIMESTAMP(6)"
      " FROM seq_1_to_10050");
  v1::ListRequirementsRequest list;
  list.set_page_size(10);
  v1::ListRequirementsResponse page;
  ASSERT_TRUE(requirement_handlers_->ListRequirements(agent_, list, &page).ok());
  EXPECT_EQ(page.requirements_size(), 10);
  EXPECT_EQ(page.total_size(), 10001);  // "more than 10,000"
  list.set_status(v1::UNDER_REVIEW);
  ASSERT_TRUE(requirement_handlers_->ListRequirements(agent_, list, &page).ok());
  EXPECT_EQ(page.total_size(), 0);
  Exec("DELETE FROM requirements WHERE id > 9990");
  list.set_status(v1::REQUIREMENT_STATUS_UNSPECIFIED);
  ASSERT_TRUE(requirement_handlers_->ListRequirements(agent_, list, &page).ok());
  EXPECT_EQ(page.total_size(), 9990);  // exact below the cap
}

}  // namespace
}  // namespace crm::feedback
