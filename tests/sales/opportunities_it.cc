// Opportunities (R12) against a real MariaDB: the pipeline's probabilities,
// a history row for every tracked change, closing, the stale list on an
// injected clock, and the weighted forecast against the test's own sums.
#include "absl/strings/match.h"
#include "tests/sales/sales_fixture.h"

namespace crm::sales {
namespace {

class OpportunitiesTest : public SalesTest {
 protected:
  absl::StatusOr<v1::Opportunity> Open(const CallContext& as, int64_t customer,
                                       const std::string& stage, int64_t amount_fen,
                                       const std::string& close_date, int32_t probability = 0) {
    v1::CreateOpportunityRequest request;
    v1::Opportunity& o = *request.mutable_opportunity();
    o.set_customer_id(customer);
    o.set_title("配电改造项目");
    o.set_stage_code(stage);
    o.mutable_amount()->set_minor_units(amount_fen);
    o.set_expected_close_date(close_date);
    o.set_win_probability_percent(probability);
    v1::Opportunity created;
    CRM_RETURN_IF_ERROR(opportunity_handlers_->CreateOpportunity(as, request, &created));
    return created;
  }

  absl::StatusOr<v1::Opportunity> Update(const CallContext& as, v1::Opportunity patch,
                                         std::vector<std::string> paths) {
    v1::UpdateOpportunityRequest request;
    // An update names the version it changes: the one read now unless the
    // test says which ("0": none can be read).
    if (patch.etag().empty()) {
      v1::GetOpportunityRequest get;
      get.set_id(patch.id());
      v1::Opportunity current;
      patch.set_etag(opportunity_handlers_->GetOpportunity(as, get, &current).ok() ? current.etag()
                                                                                   : "0");
    }
    *request.mutable_opportunity() = std::move(patch);
    for (auto& p : paths) request.mutable_update_mask()->add_paths(p);
    v1::Opportunity updated;
    CRM_RETURN_IF_ERROR(opportunity_handlers_->UpdateOpportunity(as, request, &updated));
    return updated;
  }

  absl::StatusOr<v1::Opportunity> Close(const CallContext& as, int64_t id, bool won) {
    v1::CloseOpportunityRequest request;
    request.set_id(id);
    request.set_won(won);
    request.set_reason(won ? "客户签约" : "预算取消");
    v1::Opportunity closed;
    CRM_RETURN_IF_ERROR(opportunity_handlers_->CloseOpportunity(as, request, &closed));
    return closed;
  }

  std::vector<std::string> History(const CallContext& as, int64_t id) {
    v1::ListOpportunityHistoryRequest request;
    request.set_opportunity_id(id);
    request.set_page_size(2);
    std::vector<std::string> lines;
    for (;;) {
      v1::ListOpportunityHistoryResponse response;
      const absl::Status status =
          opportunity_handlers_->ListOpportunityHistory(as, request, &response);
      EXPECT_TRUE(status.ok()) << status;
      if (!status.ok()) return lines;
      for (const auto& h : response.changes()) {
        lines.push_back(h.field() + ": " + h.from_value() + " -> " + h.to_value());
      }
      if (response.next_page_token().empty()) return lines;
      request.set_page_token(response.next_page_token());
    }
  }

  v1::GetForecastResponse Forecast(const CallContext& as, v1::GetForecastRequest::GroupBy by,
                                   const std::string& from, const std::string& to) {
    v1::GetForecastRequest request;
    request.set_group_by(by);
    request.set_from_month(from);
    request.set_to_month(to);
    v1::GetForecastResponse response;
    const absl::Status status = opportunity_handlers_->GetForecast(as, request, &response);
    EXPECT_TRUE(status.ok()) << status;
    return response;
  }
};

TEST_F(OpportunitiesTest, TheStagesProbabilityAppliesUnlessTheRequestSetsOne) {
  absl::StatusOr<v1::Opportunity> o = Open(sales_a_, 500, "proposal", 1'000'000, "2027-01-15");
  ASSERT_TRUE(o.ok()) << o.status();
  EXPECT_EQ(o->win_probability_percent(), 50);
  EXPECT_EQ(o->status(), v1::OPEN);
  EXPECT_EQ(o->owner_employee_id(), 7);
  o = Open(sales_a_, 500, "proposal", 1'000'000, "2027-01-15", 35);
  EXPECT_EQ(o->win_probability_percent(), 35);
  EXPECT_EQ(Open(sales_a_, 500, "no_such_stage", 1, "2027-01-15").status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(Open(sales_a_, 999, "lead", 1, "2027-01-15").status().code(),
            absl::StatusCode::kNotFound);
}

TEST_F(OpportunitiesTest, EveryTrackedChangeIsAHistoryRowWithFromAndTo) {
  absl::StatusOr<v1::Opportunity> o = Open(sales_a_, 500, "lead", 500'000, "2027-02-01");
  ASSERT_TRUE(o.ok());
  v1::Opportunity patch;
  patch.set_id(o->id());
  patch.set_stage_code("qualified");
  ASSERT_TRUE(Update(sales_a_, patch, {"stage_code"}).ok());
  patch.set_stage_code("negotiation");
  patch.mutable_amount()->set_minor_units(650'000);
  patch.set_title("改名不算");
  absl::StatusOr<v1::Opportunity> moved =
      Update(sales_a_, patch, {"stage_code", "amount", "title"});
  ASSERT_TRUE(moved.ok()) << moved.status();
  EXPECT_EQ(moved->win_probability_percent(), 75) << "a stage move brings its probability";
  patch.set_win_probability_percent(60);
  patch.set_expected_close_date("2027-03-01");
  ASSERT_TRUE(Update(sales_a_, patch, {"win_probability_percent", "expected_close_date"}).ok());
  ASSERT_TRUE(Close(sales_a_, o->id(), true).ok());
  EXPECT_EQ(
      History(sales_a_, o->id()),
      (std::vector<std::string>{
          "amount:  -> 500000", "expected_close_date:  -> 2027-02-01", "stage_code:  -> lead",
          "status:  -> OPEN", "win_probability_percent:  -> 10", "stage_code: lead -> qualified",
          "win_probability_percent: 10 -> 25", "amount: 500000 -> 650000",
          "stage_code: qualified -> negotiation", "win_probability_percent: 25 -> 75",
          "expected_close_date: 2027-02-01 -> 2027-03-01", "win_probability_percent: 75 -> 60",
          "status: OPEN -> WON"}));
}

TEST_F(OpportunitiesTest, AClosedOpportunityIsFinal) {
  absl::StatusOr<v1::Opportunity> o = Open(sales_a_, 500, "lead", 1000, "2027-02-01");
  absl::StatusOr<v1::Opportunity> lost = Close(sales_a_, o->id(), false);
  ASSERT_TRUE(lost.ok());
  EXPECT_EQ(lost->status(), v1::LOST);
  EXPECT_EQ(lost->close_reason(), "预算取消");
  EXPECT_EQ(lost->closed_date(), "2026-12-05");
  const int64_t rows = Count("SELECT COUNT(*) FROM opportunity_history");
  EXPECT_EQ(Close(sales_a_, o->id(), true).status().code(), absl::StatusCode::kFailedPrecondition);
  v1::Opportunity patch;
  patch.set_id(o->id());
  patch.set_title("too late");
  EXPECT_EQ(Update(sales_a_, patch, {"title"}).status().code(),
            absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM opportunity_history"), rows);
}

TEST_F(OpportunitiesTest, OpenOnesWithoutAFollowUpForThirtyDaysAreStale) {
  const int64_t quiet = Open(sales_a_, 500, "lead", 1000, "2027-02-01")->id();
  const int64_t moved = Open(sales_a_, 500, "lead", 1000, "2027-02-01")->id();
  const int64_t closed = Open(sales_a_, 500, "lead", 1000, "2027-02-01")->id();
  const int64_t colleagues = Open(sales_b_, 501, "lead", 1000, "2027-02-01")->id();
  clock_.Advance(absl::Hours(24 * 20));
  v1::Opportunity patch;
  patch.set_id(moved);
  patch.set_stage_code("qualified");
  ASSERT_TRUE(Update(sales_a_, patch, {"stage_code"}).ok());
  ASSERT_TRUE(Close(sales_a_, closed, true).ok());
  clock_.Advance(absl::Hours(24 * 11));  // 31 days after creation, 11 after the move
  auto stale = [&](const CallContext& as, int days) {
    v1::ListStaleOpportunitiesRequest request;
    request.set_days(days);
    request.set_page_size(1);
    std::vector<int64_t> ids;
    for (;;) {
      v1::ListStaleOpportunitiesResponse response;
      const absl::Status status =
          opportunity_handlers_->ListStaleOpportunities(as, request, &response);
      EXPECT_TRUE(status.ok()) << status;
      for (const auto& o : response.opportunities()) ids.push_back(o.id());
      if (!status.ok() || response.next_page_token().empty()) return ids;
      request.set_page_token(response.next_page_token());
    }
  };
  EXPECT_EQ(stale(sales_a_, 0), std::vector<int64_t>{quiet});
  EXPECT_EQ(stale(head_, 0), (std::vector<int64_t>{quiet, colleagues}));
  EXPECT_EQ(stale(head_, 10), (std::vector<int64_t>{quiet, colleagues, moved}));
}

TEST_F(OpportunitiesTest, TheForecastWeighsEachOpenOpportunityByItsProbability) {
  // (amount, probability, close date, owner)
  struct Deal {
    int64_t amount;
    int32_t probability;
    const char* close;
    const CallContext* owner;
  } deals[] = {{1'000'001, 33, "2027-01-10", &sales_a_},
               {2'000'000, 50, "2027-01-31", &sales_a_},
               {333'333, 67, "2027-02-01", &sales_b_},
               {999'999, 90, "2027-03-15", &sales_b_},
               {5'000'000, 10, "2027-05-01", &sales_a_}};
  for (const Deal& d : deals) {
    ASSERT_TRUE(Open(*d.owner, 500, "lead", d.amount, d.close, d.probability).ok());
  }
  // A won one and one out of range count for nothing.
  ASSERT_TRUE(
      Close(sales_a_, Open(sales_a_, 500, "lead", 7'777, "2027-01-05", 80)->id(), true).ok());
  v1::GetForecastResponse by_month =
      Forecast(head_, v1::GetForecastRequest::CLOSE_MONTH, "2027-01", "2027-03");
  ASSERT_EQ(by_month.rows_size(), 3);
  EXPECT_EQ(by_month.rows(0).key(), "2027-01");
  EXPECT_EQ(by_month.rows(0).count(), 2);
  EXPECT_EQ(by_month.rows(0).amount().minor_units(), 3'000'001);
  // 1,000,001 × 0.33 + 2,000,000 × 0.5 = 330,000.33 + 1,000,000 → 1,330,000
  EXPECT_EQ(by_month.rows(0).weighted_amount().minor_units(), 1'330'000);
  // 333,333 × 0.67 = 223,333.11 → 223,333
  EXPECT_EQ(by_month.rows(1).weighted_amount().minor_units(), 223'333);
  // 999,999 × 0.9 = 899,999.1 → 899,999
  EXPECT_EQ(by_month.rows(2).weighted_amount().minor_units(), 899'999);
  // The total rounds once: 330,000.33 + 1,000,000 + 223,333.11 + 899,999.1 = 2,453,332.54
  EXPECT_EQ(by_month.total().weighted_amount().minor_units(), 2'453'333);
  EXPECT_EQ(by_month.total().count(), 4);

  v1::GetForecastResponse by_owner =
      Forecast(head_, v1::GetForecastRequest::OWNER, "2027-01", "2027-12");
  ASSERT_EQ(by_owner.rows_size(), 2);
  EXPECT_EQ(by_owner.rows(0).key(), "7");
  EXPECT_EQ(by_owner.rows(0).weighted_amount().minor_units(), 1'830'000);  // + 500,000
  EXPECT_EQ(by_owner.rows(1).key(), "8");
  // A sales person's forecast has only their own.
  EXPECT_EQ(Forecast(sales_b_, v1::GetForecastRequest::DEPARTMENT, "2027-01", "2027-12")
                .total()
                .amount()
                .minor_units(),
            1'333'332);
  v1::GetForecastRequest bad;
  bad.set_from_month("2027-13");
  bad.set_to_month("2026-01");
  v1::GetForecastResponse ignored;
  const absl::Status status = opportunity_handlers_->GetForecast(head_, bad, &ignored);
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(absl::StrContains(status.message(), "group_by"));
  EXPECT_TRUE(absl::StrContains(status.message(), "from_month"));
}

TEST_F(OpportunitiesTest, ThePipelineCanBeChangedAndARetiredStageTakesNoOneIn) {
  v1::SetPipelineStageRequest request;
  request.mutable_stage()->set_code("proposal");
  request.mutable_stage()->set_name("方案报价");
  request.mutable_stage()->set_position(30);
  request.mutable_stage()->set_win_probability_percent(40);
  request.mutable_stage()->set_retired(true);
  v1::PipelineStage stage;
  ASSERT_TRUE(opportunity_handlers_->SetPipelineStage(keeper_, request, &stage).ok());
  v1::ListPipelineStagesResponse stages;
  ASSERT_TRUE(opportunity_handlers_->ListPipelineStages(sales_a_, {}, &stages).ok());
  ASSERT_EQ(stages.stages_size(), 5);
  EXPECT_EQ(stages.stages(2).code(), "proposal");
  EXPECT_TRUE(stages.stages(2).retired());
  EXPECT_EQ(Open(sales_a_, 500, "proposal", 1, "2027-01-01").status().code(),
            absl::StatusCode::kFailedPrecondition);
  request.mutable_stage()->set_code("Bad Code");
  EXPECT_EQ(opportunity_handlers_->SetPipelineStage(keeper_, request, &stage).code(),
            absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace crm::sales
