// Money reports end to end: receivables aged in the company's calendar,
// collections, a campaign's return, instalments in the reminder feed, the
// seasonal index and the monthly targets it gives, and targets against sales.
#include "tests/e2e/reports_e2e_fixture.h"

namespace crm::reports_e2e {
namespace {

// n / d rounded half up (toward +∞), d > 0, written here from the
// definition: the floor of the quotient, plus one when the rest is at
// least half of d.
int64_t HalfUp(__int128 n, __int128 d) {
  __int128 q = n / d;
  if (n % d != 0 && n < 0) --q;  // floor
  const __int128 rest = n - q * d;
  return static_cast<int64_t>(2 * rest >= d ? q + 1 : q);
}

int64_t Fen(const common::v1::Money& money) { return money.minor_units(); }

// Aging as the test works it out from the plan sales answered.
struct Aging {
  int64_t buckets[5] = {};  // not due, 1–30, 31–60, 61–90, over 90
  int64_t Overdue() const { return buckets[1] + buckets[2] + buckets[3] + buckets[4]; }
};

Aging AgeOf(const sv1::PaymentPlan& plan, absl::CivilDay today) {
  Aging aging;
  for (const sv1::Instalment& i : plan.instalments()) {
    absl::CivilDay due;
    EXPECT_TRUE(absl::ParseCivilTime(i.due_date(), &due));
    const int64_t past = today - due;
    const int bucket = past <= 0 ? 0 : past <= 30 ? 1 : past <= 60 ? 2 : past <= 90 ? 3 : 4;
    aging.buckets[bucket] += Fen(i.outstanding());
  }
  return aging;
}

TEST_F(ReportsE2eTest, ReceivablesAgeInTheCompanysCalendarAndCampaignsShowTheirReturn) {
  const Session& me = org_->sales_a;
  clock_->Set(At(2027, 6, 1, 10));
  const sv1::Product machine = Product("回款机组", 1'234'567, 800'000, 13);
  const cv1::Customer buyer = Customer(me, "回款客户", "east", cv1::CUSTOMER_GRADE_EFFECTIVE);

  sv1::CreateCampaignRequest campaign_request;
  campaign_request.mutable_campaign()->set_name("夏季展会");
  campaign_request.mutable_campaign()->set_type(sv1::CAMPAIGN_TYPE_EXHIBITION);
  campaign_request.mutable_campaign()->set_start_date("2027-06-01");
  campaign_request.mutable_campaign()->set_end_date("2027-06-30");
  campaign_request.mutable_campaign()->mutable_cost()->set_minor_units(1'500'000);
  sv1::Campaign campaign;
  grpc::Status status = sales_->CreateCampaign(AuthContext(me).get(), campaign_request, &campaign);
  ASSERT_TRUE(status.ok()) << status.error_message();

  sv1::CreateOpportunityRequest opportunity_request;
  opportunity_request.mutable_opportunity()->set_customer_id(buyer.id());
  opportunity_request.mutable_opportunity()->set_title("展会线索");
  opportunity_request.mutable_opportunity()->set_stage_code("lead");
  opportunity_request.mutable_opportunity()->set_campaign_id(campaign.id());
  opportunity_request.mutable_opportunity()->mutable_amount()->set_minor_units(5'000'000);
  opportunity_request.mutable_opportunity()->set_expected_close_date("2027-06-30");
  sv1::Opportunity opportunity;
  status = sales_->CreateOpportunity(AuthContext(me).get(), opportunity_request, &opportunity);
  ASSERT_TRUE(status.ok()) << status.error_message();
  sv1::CloseOpportunityRequest won;
  won.set_id(opportunity.id());
  won.set_won(true);
  won.set_reason("签约");
  status = sales_->CloseOpportunity(AuthContext(me).get(), won, &opportunity);
  ASSERT_TRUE(status.ok()) << status.error_message();

  sv1::CreateOrderRequest order_request;
  order_request.mutable_order()->set_customer_id(buyer.id());
  order_request.mutable_order()->set_campaign_id(campaign.id());
  sv1::OrderLine* line = order_request.mutable_order()->add_lines();
  line->set_product_id(machine.id());
  line->set_quantity_milli(4'000);
  sv1::Order order;
  status = sales_->CreateOrder(AuthContext(me).get(), order_request, &order);
  ASSERT_TRUE(status.ok()) << status.error_message();
  sv1::ConfirmOrderRequest confirm;
  confirm.set_id(order.id());
  status = sales_->ConfirmOrder(AuthContext(me).get(), confirm, &order);
  ASSERT_TRUE(status.ok()) << status.error_message();

  sv1::CreateContractRequest contract_request;
  contract_request.mutable_contract()->set_order_id(order.id());
  contract_request.mutable_contract()->set_title("机组供货合同");
  contract_request.mutable_contract()->set_start_date("2027-06-01");
  contract_request.mutable_contract()->set_end_date("2028-05-31");
  sv1::Contract contract;
  status = sales_->CreateContract(AuthContext(me).get(), contract_request, &contract);
  ASSERT_TRUE(status.ok()) << status.error_message();
  sv1::SignContractRequest sign;
  sign.set_id(contract.id());
  status = sales_->SignContract(AuthContext(me).get(), sign, &contract);
  ASSERT_TRUE(status.ok()) << status.error_message();
  const int64_t amount = Fen(contract.amount());
  ASSERT_EQ(amount, Fen(order.total_amount()));
  // Due dates chosen around the buckets' edges as of 15 October in
  // Shanghai: 14 September is 31 days past due there, but only 30 by the
  // servers' UTC day at 00:30 Shanghai time (still 14 October in UTC).
  sv1::SetPaymentPlanRequest plan_request;
  plan_request.set_contract_id(contract.id());
  const std::vector<std::pair<std::string, int64_t>> plan_rows = {
      {"2027-06-15", 1'000'000},
      {"2027-07-10", 500'000},
      {"2027-09-14", 1'500'000},
      {"2027-10-01", 1'200'000},
      {"2027-12-01", amount - 4'200'000}};
  for (const auto& [due, fen] : plan_rows) {
    sv1::Instalment* i = plan_request.add_instalments();
    i->set_due_date(due);
    i->mutable_amount()->set_minor_units(fen);
  }
  sv1::PaymentPlan plan;
  status = sales_->SetPaymentPlan(AuthContext(me).get(), plan_request, &plan);
  ASSERT_TRUE(status.ok()) << status.error_message();

  clock_->Set(At(2027, 10, 15, 0, 30));
  auto receive = [&](const std::string& day, int64_t fen, const std::string& id) {
    sv1::RecordReceiptRequest request;
    request.mutable_receipt()->set_contract_id(contract.id());
    request.mutable_receipt()->mutable_amount()->set_minor_units(fen);
    request.mutable_receipt()->set_received_date(day);
    request.mutable_receipt()->set_method(sv1::PAYMENT_METHOD_BANK_TRANSFER);
    request.set_request_id(id);
    sv1::Receipt receipt;
    const grpc::Status received = sales_->RecordReceipt(AuthContext(me).get(), request, &receipt);
    ASSERT_TRUE(received.ok()) << received.error_message();
  };
  receive("2027-06-20", 1'000'000, "report-receipt-1");
  receive("2027-09-10", 300'001, "report-receipt-2");
  sv1::RecordRefundRequest refund;
  refund.set_contract_id(contract.id());
  refund.mutable_amount()->set_minor_units(100'000);
  refund.set_refund_date("2027-09-30");
  refund.set_method(sv1::PAYMENT_METHOD_BANK_TRANSFER);
  refund.set_reason("质量折让");
  refund.set_request_id("report-refund-1");
  sv1::Receipt refunded;
  status = sales_->RecordRefund(AuthContext(me).get(), refund, &refunded);
  ASSERT_TRUE(status.ok()) << status.error_message();

  // What the test expects, from the plan as sales now answers it.
  sv1::GetPaymentPlanRequest get_plan;
  get_plan.set_contract_id(contract.id());
  ASSERT_TRUE(sales_->GetPaymentPlan(AuthContext(me).get(), get_plan, &plan).ok());
  const absl::CivilDay today(2027, 10, 15);
  const Aging aging = AgeOf(plan, today);
  // The second receipt goes to the oldest instalment still owed (10 July);
  // the refund comes back off the latest one paid (10 July again).
  const int64_t received = 1'000'000 + 300'001 - 100'000;
  ASSERT_EQ(Fen(plan.received()), received);
  EXPECT_GT(aging.buckets[2], 0);                  // the 14 September instalment, 31 days past due
  EXPECT_EQ(aging.buckets[4], 500'000 - 200'001);  // 10 July, 97 days

  rv1::GetReceivablesReportRequest by_customer;
  by_customer.set_grouping(rv1::RECEIVABLES_BY_CUSTOMER);
  rv1::ReceivablesReport report;
  ASSERT_TRUE(testing::Eventually(
      [&] {
        if (!ReadModelCaughtUp()) return false;
        return reports_->GetReceivablesReport(AuthContext(me).get(), by_customer, &report).ok();
      },
      std::chrono::seconds(20)));
  EXPECT_EQ(report.as_of_date(), "2027-10-15");
  const rv1::ReceivablesRow* row = nullptr;
  for (const rv1::ReceivablesRow& r : report.rows()) {
    if (r.key() == buyer.id()) row = &r;
  }
  ASSERT_NE(row, nullptr);
  EXPECT_EQ(row->name(), "回款客户");
  EXPECT_EQ(row->contracts(), 1);
  EXPECT_EQ(Fen(row->contract_amount()), amount);
  EXPECT_EQ(Fen(row->received()), received);
  EXPECT_EQ(Fen(row->outstanding()), amount - received);
  EXPECT_EQ(Fen(row->overdue()), aging.Overdue());
  EXPECT_EQ(Fen(row->aging().not_due()), aging.buckets[0]);
  EXPECT_EQ(Fen(row->aging().days_1_30()), aging.buckets[1]);
  EXPECT_EQ(Fen(row->aging().days_31_60()), aging.buckets[2]);
  EXPECT_EQ(Fen(row->aging().days_61_90()), aging.buckets[3]);
  EXPECT_EQ(Fen(row->aging().over_90()), aging.buckets[4]);
  EXPECT_EQ(Fen(row->aging().unscheduled()), 0);
  // The same figures as sales' own list.
  sv1::ListReceivablesRequest sales_request;
  sales_request.set_grouping(sv1::RECEIVABLES_GROUPING_CUSTOMER);
  sv1::ListReceivablesResponse sales_list;
  ASSERT_TRUE(sales_->ListReceivables(AuthContext(me).get(), sales_request, &sales_list).ok());
  bool compared = false;
  for (const sv1::ReceivablesRow& r : sales_list.rows()) {
    if (r.key() != buyer.id()) continue;
    compared = true;
    EXPECT_EQ(Fen(r.outstanding()), Fen(row->outstanding()));
    EXPECT_EQ(Fen(r.aging().days_31_60()), Fen(row->aging().days_31_60()));
    EXPECT_EQ(Fen(r.aging().days_1_30()), Fen(row->aging().days_1_30()));
    EXPECT_EQ(Fen(r.aging().over_90()), Fen(row->aging().over_90()));
  }
  EXPECT_TRUE(compared);
  // This sales person has no other contract: the total, by owner and on
  // the dashboard are the same figures.
  EXPECT_EQ(Fen(report.total().overdue()), aging.Overdue());
  rv1::GetReceivablesReportRequest by_owner;
  by_owner.set_grouping(rv1::RECEIVABLES_BY_OWNER);
  rv1::ReceivablesReport owners;
  ASSERT_TRUE(reports_->GetReceivablesReport(AuthContext(me).get(), by_owner, &owners).ok());
  ASSERT_EQ(owners.rows_size(), 1);
  EXPECT_EQ(owners.rows(0).key(), org_->sales_a_employee);
  EXPECT_EQ(owners.rows(0).name(), "李雷");
  rv1::GetDashboardRequest dashboard_request;
  *dashboard_request.mutable_period() = PeriodOf("2027-10-01", "2027-10-31");
  rv1::Dashboard dashboard;
  ASSERT_TRUE(reports_->GetDashboard(AuthContext(me).get(), dashboard_request, &dashboard).ok());
  EXPECT_EQ(Fen(dashboard.overdue_receivables()), aging.Overdue());
  EXPECT_EQ(Fen(dashboard.outstanding_receivables()), amount - received);
  // Another sales person sees none of it.
  rv1::ReceivablesReport theirs;
  ASSERT_TRUE(
      reports_->GetReceivablesReport(AuthContext(org_->sales_b).get(), by_customer, &theirs).ok());
  for (const rv1::ReceivablesRow& r : theirs.rows()) EXPECT_NE(r.key(), buyer.id());

  // Collections by month: receipts on their day, the refund on its own.
  rv1::GetCollectionsReportRequest collections_request;
  *collections_request.mutable_period() = PeriodOf("2027-06-01", "2027-10-31");
  collections_request.set_bucket(rv1::MONTH);
  rv1::CollectionsReport collections;
  ASSERT_TRUE(
      reports_->GetCollectionsReport(AuthContext(me).get(), collections_request, &collections)
          .ok());
  ASSERT_EQ(collections.rows_size(), 2);
  EXPECT_EQ(collections.rows(0).bucket(), "2027-06");
  EXPECT_EQ(collections.rows(0).receipts(), 1);
  EXPECT_EQ(Fen(collections.rows(0).net()), 1'000'000);
  EXPECT_EQ(collections.rows(1).bucket(), "2027-09");
  EXPECT_EQ(Fen(collections.rows(1).received()), 300'001);
  EXPECT_EQ(Fen(collections.rows(1).reversed()), 100'000);
  EXPECT_EQ(Fen(collections.rows(1).net()), 200'001);
  EXPECT_EQ(Fen(collections.total_net()), received);

  // The campaign's return: against orders as sales reports it, and
  // against cash received.
  rv1::GetCampaignReturnRequest return_request;
  *return_request.mutable_period() = PeriodOf("2027-06-15", "2027-06-15");
  rv1::CampaignReturn returns;
  ASSERT_TRUE(reports_->GetCampaignReturn(AuthContext(me).get(), return_request, &returns).ok());
  const rv1::CampaignReturnRow* campaign_row = nullptr;
  for (const rv1::CampaignReturnRow& r : returns.rows()) {
    if (r.campaign_id() == campaign.id()) campaign_row = &r;
  }
  ASSERT_NE(campaign_row, nullptr);
  EXPECT_EQ(Fen(campaign_row->cost()), 1'500'000);
  EXPECT_EQ(campaign_row->opportunities(), 1);
  EXPECT_EQ(campaign_row->won_opportunities(), 1);
  EXPECT_EQ(Fen(campaign_row->won_amount()), 5'000'000);
  EXPECT_EQ(campaign_row->orders(), 1);
  EXPECT_EQ(Fen(campaign_row->order_amount()), amount);
  EXPECT_EQ(Fen(campaign_row->cash_received()), received);
  EXPECT_EQ(campaign_row->return_on_cost_bp(),
            HalfUp((static_cast<__int128>(amount) - 1'500'000) * 10'000, 1'500'000));
  // (1,200,001 − 1,500,000) / 1,500,000 = −19.999933%: half up is −20.00%
  // (rounding toward zero would say −19.99%).
  EXPECT_EQ(campaign_row->cash_return_on_cost_bp(), -2000);
  sv1::GetCampaignResultsRequest results_request;
  results_request.set_id(campaign.id());
  sv1::CampaignResults results;
  ASSERT_TRUE(sales_->GetCampaignResults(AuthContext(me).get(), results_request, &results).ok());
  EXPECT_EQ(results.return_on_cost_bp(), campaign_row->return_on_cost_bp());
  // A period the campaign did not run in leaves it out.
  *return_request.mutable_period() = PeriodOf("2027-07-01", "2027-07-31");
  ASSERT_TRUE(reports_->GetCampaignReturn(AuthContext(me).get(), return_request, &returns).ok());
  for (const rv1::CampaignReturnRow& r : returns.rows()) EXPECT_NE(r.campaign_id(), campaign.id());

  // The reminder feed: instalments still owed, the overdue ones today.
  rv1::ListMyRemindersRequest reminders_request;
  reminders_request.set_from_date("2027-10-15");
  reminders_request.set_to_date("2027-12-10");
  rv1::ListMyRemindersResponse reminders;
  ASSERT_TRUE(reports_->ListMyReminders(AuthContext(me).get(), reminders_request, &reminders).ok());
  std::vector<std::pair<std::string, int64_t>> seen, expected;
  for (const rv1::MyReminder& r : reminders.reminders()) {
    if (r.kind() == rv1::MyReminder::INSTALMENT_DUE) seen.push_back({r.date(), r.record_id()});
  }
  for (const sv1::Instalment& i : plan.instalments()) {
    if (Fen(i.outstanding()) == 0) continue;
    expected.push_back({std::max<std::string>(i.due_date(), "2027-10-15"), i.id()});
  }
  std::sort(expected.begin(), expected.end());
  EXPECT_EQ(seen, expected);
}

TEST_F(ReportsE2eTest, SeasonalIndicesAndTargetsFromThreeYearsOfSales) {
  const Session& me = org_->sales_b;
  clock_->Set(At(2023, 11, 1, 9));
  const sv1::Product part = Product("季节件", 10'000, 6'000, 13);
  const cv1::Customer customer = Customer(me, "季节客户", "south", cv1::CUSTOMER_GRADE_EFFECTIVE);
  // (year, month, units); 2023 is outside the three years.
  const std::vector<std::tuple<int, int, int>> sales = {
      {2023, 12, 9}, {2024, 1, 3}, {2024, 7, 5}, {2024, 12, 1}, {2025, 1, 2},
      {2025, 3, 4},  {2025, 7, 6}, {2026, 2, 1}, {2026, 7, 7},  {2026, 12, 2}};
  int64_t by_month[12][3] = {};
  for (const auto& [year, month, units] : sales) {
    const sv1::Order order =
        Order(me, At(year, month, 15, 10), customer.id(), {{part.id(), int64_t{units} * 1'000, 0}});
    if (year >= 2024) by_month[month - 1][year - 2024] += Fen(order.total_amount());
  }
  Order(me, At(2026, 7, 20, 10), customer.id(), {{part.id(), 50'000, 0}}, 0, false);  // a draft

  // Expected by the simple-average method, worked out here.
  int64_t total = 0, month_sums[12] = {};
  for (int m = 0; m < 12; ++m) {
    for (int y = 0; y < 3; ++y) month_sums[m] += by_month[m][y];
    total += month_sums[m];
  }
  const int64_t annual = 120'000'000;  // 1,200,000.00 元
  int64_t targets[12], given = 0;
  std::vector<std::pair<__int128, int>> remainders;
  for (int m = 0; m < 12; ++m) {
    const __int128 exact = static_cast<__int128>(annual) * month_sums[m];
    targets[m] = static_cast<int64_t>(exact / total);
    given += targets[m];
    remainders.push_back({-(exact % total), m});  // largest first, then the earlier month
  }
  std::sort(remainders.begin(), remainders.end());
  for (size_t k = 0; given < annual; ++k, ++given) ++targets[remainders[k].second];

  rv1::GetSeasonalIndexRequest request;
  request.set_last_year(2026);
  request.set_customer_id(customer.id());
  request.mutable_annual_target()->set_minor_units(annual);
  rv1::SeasonalIndex index;
  ASSERT_TRUE(testing::Eventually(
      [&] {
        return reports_->GetSeasonalIndex(AuthContext(me).get(), request, &index).ok() &&
               Fen(index.total()) == total;
      },
      std::chrono::seconds(20)))
      << Fen(index.total()) << " against " << total;
  EXPECT_EQ(index.first_year(), 2024);
  ASSERT_EQ(index.months_size(), 12);
  int64_t index_sum = 0, target_sum = 0;
  for (int m = 0; m < 12; ++m) {
    const rv1::SeasonalMonth& month = index.months(m);
    EXPECT_EQ(month.month(), m + 1);
    ASSERT_EQ(month.sales_size(), 3);
    for (int y = 0; y < 3; ++y) EXPECT_EQ(Fen(month.sales(y)), by_month[m][y]) << m << " " << y;
    EXPECT_EQ(Fen(month.average()), HalfUp(month_sums[m], 3));
    EXPECT_EQ(month.index_bp(), HalfUp(static_cast<__int128>(month_sums[m]) * 120'000, total))
        << "month " << m + 1;
    EXPECT_EQ(Fen(month.target()), targets[m]) << "month " << m + 1;
    index_sum += month.index_bp();
    target_sum += Fen(month.target());
  }
  EXPECT_NEAR(index_sum, 120'000, 12);   // twelve indices of 100% on average
  EXPECT_EQ(target_sum, annual);         // to the fen
  EXPECT_EQ(index.months(6).index_bp(),  // July: 18 of the 31 units, one price
            HalfUp(static_cast<__int128>(18) * 120'000, 31));

  // Monthly targets: management sets them; a sales person may not; a
  // department head only within their subtree, all or nothing.
  auto target = [](int64_t employee, const std::string& month, int64_t fen) {
    rv1::SalesTarget t;
    t.set_employee_id(employee);
    t.set_month(month);
    t.mutable_amount()->set_minor_units(fen);
    return t;
  };
  rv1::SetSalesTargetsRequest set;
  *set.add_targets() = target(org_->sales_b_employee, "2027-11", 2'000'000);
  *set.add_targets() = target(org_->sales_b_employee, "2027-12", 1'000'000);
  rv1::SetSalesTargetsResponse set_response;
  grpc::Status status = reports_->SetSalesTargets(AuthContext(me).get(), set, &set_response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::PERMISSION_DENIED);
  rv1::SetSalesTargetsRequest mixed;
  *mixed.add_targets() = target(org_->sales_a_employee, "2027-11", 5);
  *mixed.add_targets() = target(org_->sales_b_employee, "2027-11", 7);
  status = reports_->SetSalesTargets(AuthContext(org_->head_east).get(), mixed, &set_response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_NE(status.error_message().find("targets[1].employee_id"), std::string::npos)
      << status.error_message();
  rv1::SetSalesTargetsRequest bad;
  *bad.add_targets() = target(org_->sales_b_employee, "2027-13", 1);
  *bad.add_targets() = target(org_->sales_b_employee, "2027-11", -1);
  *bad.add_targets() = target(org_->sales_b_employee, "2027-11", 1);
  status = reports_->SetSalesTargets(AuthContext(org_->admin).get(), bad, &set_response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  for (const char* field : {"targets[0].month", "targets[1].amount.minor_units", "targets[2]"}) {
    EXPECT_NE(status.error_message().find(field), std::string::npos) << field;
  }
  status = reports_->SetSalesTargets(AuthContext(org_->admin).get(), set, &set_response);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(set_response.set(), 2);

  int64_t november = 0;
  for (int day : {3, 27}) {
    november += Fen(
        Order(me, At(2027, 11, day, 10), customer.id(), {{part.id(), 7'000, 0}}).total_amount());
  }
  rv1::GetTargetAttainmentRequest attainment_request;
  attainment_request.set_from_month("2027-11");
  attainment_request.set_to_month("2027-12");
  rv1::TargetAttainment attainment;
  ASSERT_TRUE(testing::Eventually(
      [&] {
        return reports_->GetTargetAttainment(AuthContext(me).get(), attainment_request, &attainment)
                   .ok() &&
               attainment.rows_size() == 2 && attainment.rows(0).orders() == 2;
      },
      std::chrono::seconds(20)))
      << attainment.DebugString();
  // Only the sales person's own (their own scope), a row per month.
  EXPECT_EQ(attainment.rows(0).employee_id(), org_->sales_b_employee);
  EXPECT_EQ(attainment.rows(0).name(), "王芳");
  EXPECT_EQ(attainment.rows(0).month(), "2027-11");
  EXPECT_EQ(Fen(attainment.rows(0).target()), 2'000'000);
  EXPECT_EQ(Fen(attainment.rows(0).actual()), november);
  EXPECT_EQ(attainment.rows(0).attainment_bp(), HalfUp(november * int64_t{10'000}, 2'000'000));
  EXPECT_EQ(attainment.rows(1).month(), "2027-12");
  EXPECT_EQ(attainment.rows(1).orders(), 0);
  EXPECT_EQ(attainment.rows(1).attainment_bp(), 0);
  // The failed calls above set nothing: sales_a has no target.
  attainment_request.set_employee_id(org_->sales_a_employee);
  ASSERT_TRUE(
      reports_->GetTargetAttainment(AuthContext(org_->admin).get(), attainment_request, &attainment)
          .ok());
  for (const rv1::TargetAttainmentRow& r : attainment.rows()) EXPECT_FALSE(r.has_target());
  attainment_request.set_to_month("2030-12");
  EXPECT_EQ(reports_->GetTargetAttainment(AuthContext(me).get(), attainment_request, &attainment)
                .error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);
}

}  // namespace
}  // namespace crm::reports_e2e
