// Campaigns (R15) against a real MariaDB: targets checked, attribution by
// the opportunities and orders that name a campaign, and results (won
// amount, order amount, return on cost) under the caller's visibility.
#include "absl/strings/match.h"
#include "tests/sales/sales_fixture.h"

namespace crm::sales {
namespace {

class CampaignsTest : public SalesTest {
 protected:
  absl::StatusOr<v1::Campaign> CreateCampaign(const CallContext& call, v1::Campaign campaign,
                                              const std::string& request_id = "") {
    v1::CreateCampaignRequest request;
    *request.mutable_campaign() = std::move(campaign);
    request.set_request_id(request_id);
    v1::Campaign created;
    CRM_RETURN_IF_ERROR(campaign_handlers_->CreateCampaign(call, request, &created));
    return created;
  }

  static v1::Campaign Exhibition(int64_t cost_fen, std::vector<int64_t> targets) {
    v1::Campaign c;
    c.set_name("2026 上海工博会");
    c.set_type(v1::CAMPAIGN_TYPE_EXHIBITION);
    c.set_start_date("2026-11-01");
    c.set_end_date("2026-11-05");
    c.mutable_budget()->set_minor_units(cost_fen * 2);
    c.mutable_cost()->set_minor_units(cost_fen);
    for (int64_t id : targets) c.add_target_customer_ids(id);
    return c;
  }

  absl::StatusOr<v1::Opportunity> Opportunity(const CallContext& call, int64_t customer,
                                              int64_t campaign_id, int64_t amount_fen) {
    v1::CreateOpportunityRequest request;
    v1::Opportunity& o = *request.mutable_opportunity();
    o.set_customer_id(customer);
    o.set_title("展会线索");
    o.set_stage_code("lead");
    o.mutable_amount()->set_minor_units(amount_fen);
    o.set_expected_close_date("2027-01-31");
    o.set_campaign_id(campaign_id);
    v1::Opportunity created;
    CRM_RETURN_IF_ERROR(opportunity_handlers_->CreateOpportunity(call, request, &created));
    return created;
  }

  absl::Status Win(const CallContext& call, int64_t id) {
    v1::CloseOpportunityRequest request;
    request.set_id(id);
    request.set_won(true);
    request.set_reason("签约");
    v1::Opportunity closed;
    return opportunity_handlers_->CloseOpportunity(call, request, &closed);
  }

  absl::StatusOr<v1::CampaignResults> Results(const CallContext& call, int64_t id) {
    v1::GetCampaignResultsRequest request;
    request.set_id(id);
    v1::CampaignResults results;
    CRM_RETURN_IF_ERROR(campaign_handlers_->GetCampaignResults(call, request, &results));
    return results;
  }
};

TEST_F(CampaignsTest, ResultsCountWhatNamesTheCampaign) {
  absl::StatusOr<v1::Campaign> campaign =
      CreateCampaign(head_, Exhibition(1'000'000, {500, 501, 501}), "camp-1");
  ASSERT_TRUE(campaign.ok()) << campaign.status();
  EXPECT_EQ(campaign->status(), v1::CAMPAIGN_STATUS_PLANNED);
  EXPECT_EQ(std::vector<int64_t>(campaign->target_customer_ids().begin(),
                                 campaign->target_customer_ids().end()),
            (std::vector<int64_t>{500, 501}));
  const int64_t id = campaign->id();

  // Two opportunities, one won; orders: two live, one cancelled, one
  // elsewhere (no campaign).
  absl::StatusOr<v1::Opportunity> won = Opportunity(sales_a_, 500, id, 3'000'000);
  absl::StatusOr<v1::Opportunity> open = Opportunity(sales_b_, 502, id, 7'000'000);
  ASSERT_TRUE(won.ok() && open.ok()) << won.status() << open.status();
  ASSERT_TRUE(Win(sales_a_, won->id()).ok());
  const v1::Product p = AddProduct("配电柜", 1'000'000, 10'000);
  v1::Order attributed = OrderOf(500, {{p.id(), 2000}});
  attributed.set_campaign_id(id);
  ASSERT_TRUE(Create(sales_a_, attributed).ok());
  v1::Order other_customer = OrderOf(502, {{p.id(), 1000}});
  other_customer.set_campaign_id(id);
  ASSERT_TRUE(Create(sales_b_, other_customer).ok());
  absl::StatusOr<v1::Order> cancelled = Create(sales_a_, attributed);
  ASSERT_TRUE(cancelled.ok());
  ASSERT_TRUE(Cancel(sales_a_, cancelled->id()).ok());
  ASSERT_TRUE(Create(sales_a_, OrderOf(501, {{p.id(), 5000}})).ok());

  absl::StatusOr<v1::CampaignResults> results = Results(head_, id);
  ASSERT_TRUE(results.ok()) << results.status();
  EXPECT_EQ(results->opportunities(), 2);
  EXPECT_EQ(results->open_opportunities(), 1);
  EXPECT_EQ(results->won_opportunities(), 1);
  EXPECT_EQ(results->won_amount().minor_units(), 3'000'000);
  EXPECT_EQ(results->orders(), 2);
  EXPECT_EQ(results->order_amount().minor_units(), 3'000'000);
  EXPECT_EQ(results->cost().minor_units(), 1'000'000);
  ASSERT_TRUE(results->has_return_on_cost_bp());
  EXPECT_EQ(results->return_on_cost_bp(), 20000);  // (30,000 − 10,000) / 10,000 元
  EXPECT_EQ(results->target_customers(), 2);
  EXPECT_EQ(results->targets_with_orders(), 1);  // 500 ordered; 502 is not a target

  // A sales person counts only what they see (their own).
  absl::StatusOr<v1::CampaignResults> own = Results(sales_a_, id);
  EXPECT_EQ(own.status().code(), absl::StatusCode::kNotFound);  // the campaign is the head's
}

TEST_F(CampaignsTest, ReturnOnCostIsUnsetWhileNothingWasSpent) {
  absl::StatusOr<v1::Campaign> campaign = CreateCampaign(head_, Exhibition(0, {}));
  ASSERT_TRUE(campaign.ok()) << campaign.status();
  absl::StatusOr<v1::CampaignResults> results = Results(head_, campaign->id());
  ASSERT_TRUE(results.ok());
  EXPECT_FALSE(results->has_return_on_cost_bp());
  EXPECT_EQ(results->orders(), 0);
  EXPECT_EQ(results->order_amount().minor_units(), 0);
}

TEST_F(CampaignsTest, BadCampaignsAndUnknownCampaignsAreRefused) {
  v1::Campaign bad = Exhibition(-5, {500, -1});
  bad.set_name("");
  bad.set_type(v1::CAMPAIGN_TYPE_UNSPECIFIED);
  bad.set_end_date("2026-10-01");
  absl::StatusOr<v1::Campaign> refused = CreateCampaign(head_, bad);
  ASSERT_EQ(refused.status().code(), absl::StatusCode::kInvalidArgument);
  for (const char* field : {"campaign.name", "campaign.type", "campaign.end_date",
                            "campaign.cost.minor_units", "campaign.target_customer_ids[1]"}) {
    EXPECT_TRUE(absl::StrContains(refused.status().message(), field)) << field;
  }
  // A target the caller cannot see.
  absl::StatusOr<v1::Campaign> unseen = CreateCampaign(head_, Exhibition(100, {500, 999}));
  EXPECT_EQ(unseen.status().code(), absl::StatusCode::kNotFound);
  EXPECT_TRUE(absl::StrContains(unseen.status().message(), "target_customer_ids[1]"));
  EXPECT_EQ(Count("SELECT COUNT(*) FROM campaigns"), 0);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM change_log"), 0);

  // Orders and opportunities may only name a campaign that exists.
  const v1::Product p = AddProduct("配电柜", 100, 0);
  v1::Order order = OrderOf(500, {{p.id(), 1000}});
  order.set_campaign_id(12345);
  absl::StatusOr<v1::Order> created = Create(sales_a_, order);
  EXPECT_EQ(created.status().code(), absl::StatusCode::kNotFound);
  EXPECT_TRUE(absl::StrContains(created.status().message(), "order.campaign_id"));
  EXPECT_EQ(Opportunity(sales_a_, 500, 12345, 100).status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM orders"), 0);
}

TEST_F(CampaignsTest, UpdatesReplaceTargetsAndKeepTheirVersions) {
  absl::StatusOr<v1::Campaign> campaign = CreateCampaign(head_, Exhibition(100, {500}));
  ASSERT_TRUE(campaign.ok());
  v1::UpdateCampaignRequest request;
  v1::Campaign& patch = *request.mutable_campaign();
  patch.set_id(campaign->id());
  patch.set_etag(campaign->etag());
  patch.set_status(v1::CAMPAIGN_STATUS_ACTIVE);
  patch.add_target_customer_ids(501);
  patch.add_target_customer_ids(502);
  v1::Campaign updated;
  ASSERT_TRUE(campaign_handlers_->UpdateCampaign(head_, request, &updated).ok());
  EXPECT_EQ(updated.status(), v1::CAMPAIGN_STATUS_ACTIVE);
  EXPECT_EQ(std::vector<int64_t>(updated.target_customer_ids().begin(),
                                 updated.target_customer_ids().end()),
            (std::vector<int64_t>{501, 502}));
  EXPECT_NE(updated.etag(), campaign->etag());
  // The old etag is stale now.
  EXPECT_EQ(campaign_handlers_->UpdateCampaign(head_, request, &updated).code(),
            absl::StatusCode::kAborted);
  // A sales person does not see the department head's campaign.
  v1::GetCampaignRequest get;
  get.set_id(campaign->id());
  v1::Campaign seen;
  EXPECT_EQ(campaign_handlers_->GetCampaign(sales_a_, get, &seen).code(),
            absl::StatusCode::kNotFound);
}

}  // namespace
}  // namespace crm::sales
