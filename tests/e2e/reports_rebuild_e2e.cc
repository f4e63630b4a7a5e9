// The read model stopped while writes go on, killed while it catches up,
// and rebuilt from sequence 0: every report the same.
#include <cppconn/prepared_statement.h>
#include <cppconn/resultset.h>

#include <future>
#include <thread>

#include "absl/cleanup/cleanup.h"
#include "absl/strings/ascii.h"
#include "common/db/database.h"
#include "common/db/mysql_pool.h"
#include "tests/e2e/reports_e2e_fixture.h"
#include "tests/support/mariadb_server.h"

namespace crm::reports_e2e {
namespace {

TEST_F(ReportsE2eTest, StoppedKilledAndRebuiltTheReadModelGivesTheSameFigures) {
  const sv1::Product part = Product("备件", 1'234, 567, 13);
  const cv1::Customer customer =
      Customer(org_->sales_b, "重建客户", "south", cv1::CUSTOMER_GRADE_EFFECTIVE);
  const rv1::Period march = PeriodOf("2027-03-01", "2027-03-31");
  Figures expected;
  auto sell = [&](int day, int64_t quantity) {
    const sv1::Order order =
        Order(org_->sales_b, At(2027, 3, day, 10), customer.id(), {{part.id(), quantity, 0}});
    Figure& figure = expected[absl::StrFormat("2027-03-%02d|", day)];
    figure.orders += 1;
    figure.amount += order.total_amount().minor_units();
  };
  sell(1, 1'000);
  ExpectSales(org_->admin, march, rv1::DAY, rv1::SALES_GROUPING_UNSPECIFIED, expected);
  // A service request of this test's own, so every feed has moved whichever
  // tests ran before (alone, nothing else writes to feedback).
  fv1::CreateServiceRequestRequest repair;
  repair.mutable_service_request()->set_type(fv1::REPAIR);
  repair.mutable_service_request()->set_priority(fv1::NORMAL);
  repair.mutable_service_request()->set_customer_id(customer.id());
  repair.mutable_service_request()->set_subject("重建前的报修");
  fv1::ServiceRequest repair_made;
  const grpc::Status repair_status = fv1::FeedbackService::NewStub(*gateway_)->CreateServiceRequest(
      AuthContext(org_->admin).get(), repair, &repair_made);
  ASSERT_TRUE(repair_status.ok()) << repair_status.error_message();

  // Stopped while writes go on: it catches up by itself once back.
  stack_->Process("reporting").Stop();
  for (int i = 0; i < 40; ++i) sell(2 + i % 20, 1'000 + i);
  stack_->StartProcess("reporting");
  ASSERT_TRUE(stack_->WaitServing("crm.reporting.v1.ReportingService"));
  // Killed (no drain, no chance to finish a page) while it may be catching
  // up, then started again: nothing lost, nothing applied twice.
  stack_->Process("reporting").Signal(SIGKILL);
  stack_->Process("reporting").Stop(std::chrono::seconds(5));
  stack_->StartProcess("reporting");
  ASSERT_TRUE(stack_->WaitServing("crm.reporting.v1.ReportingService"));
  ExpectSales(org_->admin, march, rv1::DAY, rv1::SALES_GROUPING_UNSPECIFIED, expected);

  // Then rebuilt from sequence 0.
  const rv1::Period all = PeriodOf("2026-12-01", "2027-12-31");
  // Every report as it stands (empty while the service cannot answer).
  auto snapshot = [&]() -> std::vector<std::string> {
    const auto by_owner = TrySalesReport(org_->admin, all, rv1::DAY, rv1::BY_OWNER);
    const auto by_department =
        TrySalesReport(org_->head_centre, all, rv1::WEEK, rv1::BY_DEPARTMENT);
    const auto abc = TryAbc(org_->admin, all);
    rv1::GetProductSalesRequest request;
    *request.mutable_period() = all;
    rv1::ProductSales products;
    rv1::GetCustomerCompositionRequest composition_request;
    composition_request.set_dimension(rv1::STATUS);
    rv1::CustomerComposition composition;
    rv1::GetSalesPersonEvaluationRequest evaluation_request;
    *evaluation_request.mutable_period() = all;
    rv1::SalesPersonEvaluation evaluation;
    rv1::GetChurnListRequest churn_request;
    churn_request.set_page_size(1000);
    rv1::ChurnList churn;
    if (!reports_
             ->GetSalesPersonEvaluation(AuthContext(org_->admin).get(), evaluation_request,
                                        &evaluation)
             .ok() ||
        !reports_->GetChurnList(AuthContext(org_->admin).get(), churn_request, &churn).ok()) {
      return {};
    }
    rv1::GetSalesFunnelRequest funnel_request;
    *funnel_request.mutable_period() = all;
    rv1::SalesFunnel funnel;
    if (!reports_->GetSalesFunnel(AuthContext(org_->admin).get(), funnel_request, &funnel).ok()) {
      return {};
    }
    if (!by_owner || !by_department || !abc ||
        !reports_->GetProductSales(AuthContext(org_->admin).get(), request, &products).ok() ||
        !reports_
             ->GetCustomerComposition(AuthContext(org_->admin).get(), composition_request,
                                      &composition)
             .ok()) {
      return {};
    }
    std::vector<std::string> reports = {
        by_owner->SerializeAsString(),   by_department->SerializeAsString(),
        abc->SerializeAsString(),        products.SerializeAsString(),
        composition.SerializeAsString(), funnel.SerializeAsString(),
        evaluation.SerializeAsString(),  churn.SerializeAsString()};
    // The money and customer reports, each asked of the administrator.
    auto add = [&](auto method, const auto& request, auto response) {
      if (!(reports_.get()->*method)(AuthContext(org_->admin).get(), request, &response).ok()) {
        return false;
      }
      reports.push_back(response.SerializeAsString());
      return true;
    };
    using Stub = rv1::ReportingService::Stub;
    rv1::GetReceivablesReportRequest receivables;
    receivables.set_page_size(1000);
    rv1::GetCollectionsReportRequest collections;
    *collections.mutable_period() = all;
    rv1::GetCampaignReturnRequest campaigns;
    campaigns.set_page_size(1000);
    rv1::GetGradeChangesRequest grades;
    *grades.mutable_period() = all;
    grades.set_page_size(1000);
    rv1::GetCustomerContributionRequest contribution;
    *contribution.mutable_period() = all;
    contribution.set_page_size(1000);
    rv1::GetSeasonalIndexRequest seasonal;
    seasonal.set_last_year(2026);
    rv1::GetTargetAttainmentRequest attainment;
    attainment.set_from_month("2027-01");
    attainment.set_to_month("2027-12");
    if (!add(&Stub::GetReceivablesReport, receivables, rv1::ReceivablesReport()) ||
        !add(&Stub::GetCollectionsReport, collections, rv1::CollectionsReport()) ||
        !add(&Stub::GetCampaignReturn, campaigns, rv1::CampaignReturn()) ||
        !add(&Stub::GetGradeChanges, grades, rv1::GradeChanges()) ||
        !add(&Stub::GetCustomerContribution, contribution, rv1::CustomerContribution()) ||
        !add(&Stub::GetSeasonalIndex, seasonal, rv1::SeasonalIndex()) ||
        !add(&Stub::GetTargetAttainment, attainment, rv1::TargetAttainment())) {
      return {};
    }
    return reports;
  };
  ASSERT_TRUE(testing::Eventually([&] { return ReadModelCaughtUp(); }, std::chrono::seconds(20)));
  const std::vector<std::string> before = snapshot();
  ASSERT_FALSE(before.empty());
  rv1::GetFeedStatusResponse feeds;
  ASSERT_TRUE(reports_->GetFeedStatus(AuthContext(org_->admin).get(), {}, &feeds).ok());
  ASSERT_EQ(feeds.feeds_size(), 4);
  for (const rv1::FeedStatus& feed : feeds.feeds()) {
    EXPECT_GT(feed.last_sequence(), 0) << feed.feed();
    EXPECT_GT(feed.last_change_time().seconds(), 0) << feed.feed();
  }

  rv1::RebuildReadModelResponse rebuilt;
  const grpc::Status status =
      reports_->RebuildReadModel(AuthContext(org_->admin).get(), {}, &rebuilt);
  ASSERT_TRUE(status.ok()) << status.error_message();
  ASSERT_TRUE(testing::Eventually([&] { return ReadModelCaughtUp(); }, std::chrono::seconds(30)));
  const std::vector<std::string> after = snapshot();
  EXPECT_TRUE(after == before) << Differences(before, after);
  rv1::GetFeedStatusResponse again;
  ASSERT_TRUE(reports_->GetFeedStatus(AuthContext(org_->admin).get(), {}, &again).ok());
  // The same positions (feedback's SLA worker may have written meanwhile).
  for (int i = 0; i < again.feeds_size(); ++i) {
    if (again.feeds(i).feed() == "feedback") continue;
    EXPECT_EQ(again.feeds(i).last_sequence(), feeds.feeds(i).last_sequence())
        << again.feeds(i).feed();
  }
}

// Killed in the middle of applying a page: the apply's transaction is open
// (seen in the database, waiting on a row the test holds) when the process
// dies, normally with the page's earlier changes written. The page is
// applied again when the service is back, once: nothing lost, nothing
// counted twice.
TEST_F(ReportsE2eTest, KilledHalfWayThroughAPageTheReadModelAppliesItOnceWhenBack) {
  const sv1::Product part = Product("中途件", 2'000, 900, 13);
  const cv1::Customer customer =
      Customer(org_->sales_b, "中途客户", "south", cv1::CUSTOMER_GRADE_EFFECTIVE);
  const rv1::Period april = PeriodOf("2029-04-01", "2029-04-30");
  Figures expected;
  auto sell = [&](int day) {
    const sv1::Order order =
        Order(org_->sales_b, At(2029, 4, day, 10), customer.id(), {{part.id(), 1'500, 0}});
    Figure& figure = expected[absl::StrFormat("2029-04-%02d|", day)];
    figure.orders += 1;
    figure.amount += order.total_amount().minor_units();
    return order;
  };
  const sv1::Order held = sell(1);
  ExpectSales(org_->admin, april, rv1::DAY, rv1::SALES_GROUPING_UNSPECIFIED, expected);

  // A transaction of the test's holds that order's row in the read model, so
  // the apply that reaches it waits there, its earlier changes written.
  MySqlPool pool(testing::MariaDbServer::Get().ServiceOptions("reporting"));
  Database db(pool);
  std::promise<void> locked, release;
  std::thread holder([&] {
    db.RunInTransaction("test.hold", std::chrono::steady_clock::now() + std::chrono::minutes(2),
                        [&](MySqlConnection& c) {
                          sql::PreparedStatement& lock =
                              c.Prepare("SELECT id FROM orders WHERE id = ? FOR UPDATE");
                          lock.setInt64(1, held.id());
                          std::unique_ptr<sql::ResultSet> row(lock.executeQuery());
                          locked.set_value();
                          release.get_future().wait();
                          return absl::OkStatus();
                        })
        .IgnoreError();
  });
  locked.get_future().wait();
  bool released = false;
  auto release_lock = [&] {
    if (released) return;
    released = true;
    release.set_value();
    holder.join();
  };
  absl::Cleanup release_on_exit = release_lock;

  // Paused while the page is written, so one page holds two new orders and
  // then the held order's cancellation.
  stack_->Process("reporting").Signal(SIGSTOP);
  sell(2);
  sell(3);
  sv1::CancelOrderRequest cancel;
  cancel.set_id(held.id());
  cancel.set_reason("客户撤单");
  sv1::Order cancelled;
  const grpc::Status status =
      sales_->CancelOrder(AuthContext(org_->sales_b).get(), cancel, &cancelled);
  ASSERT_TRUE(status.ok()) << status.error_message();
  expected.erase("2029-04-01|");
  stack_->Process("reporting").Signal(SIGCONT);

  // The apply waits on the held row, its transaction open. (Its page
  // normally holds the two new orders too, written and not committed; a
  // fetch already in flight when the service was paused can split them off
  // into a page of their own, so that is not asserted.)
  const auto applies_waiting = [] {
    const std::string out = testing::MariaDbServer::Get().Sql(
        "SELECT COUNT(*) FROM information_schema.INNODB_TRX WHERE trx_state = 'LOCK WAIT'");
    return absl::StripAsciiWhitespace(out) != "0";
  };
  ASSERT_TRUE(testing::Eventually(applies_waiting, std::chrono::seconds(20)));
  stack_->Process("reporting").Signal(SIGKILL);
  stack_->Process("reporting").Stop(std::chrono::seconds(5));
  release_lock();

  stack_->StartProcess("reporting");
  ASSERT_TRUE(stack_->WaitServing("crm.reporting.v1.ReportingService"));
  ASSERT_TRUE(testing::Eventually([&] { return ReadModelCaughtUp(); }, std::chrono::seconds(20)));
  ExpectSales(org_->admin, april, rv1::DAY, rv1::SALES_GROUPING_UNSPECIFIED, expected);
}

}  // namespace
}  // namespace crm::reports_e2e
