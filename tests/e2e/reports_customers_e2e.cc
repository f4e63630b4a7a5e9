// Customer reports end to end: grade changes, contribution by gross margin
// across pages, high-value customers going quiet, and the contact-record
// and service-request lists exported.
#include "tests/e2e/reports_e2e_fixture.h"

namespace crm::reports_e2e {
namespace {

int64_t Fen(const common::v1::Money& money) { return money.minor_units(); }

TEST_F(ReportsE2eTest, GradeChangesAndContributionByGrossMargin) {
  const Session& me = org_->sales_a;
  clock_->Set(At(2027, 11, 20, 10));
  const cv1::Customer graded = Customer(me, "升级客户", "east", cv1::CUSTOMER_GRADE_POTENTIAL);
  cv1::Customer current = graded;
  for (cv1::CustomerGrade grade : {cv1::CUSTOMER_GRADE_EFFECTIVE, cv1::CUSTOMER_GRADE_INTENDED}) {
    cv1::UpdateCustomerRequest regrade;
    regrade.mutable_customer()->set_id(current.id());
    regrade.mutable_customer()->set_etag(current.etag());
    regrade.mutable_customer()->set_grade(grade);
    regrade.mutable_update_mask()->add_paths("grade");
    const grpc::Status status =
        customers_->UpdateCustomer(AuthContext(me).get(), regrade, &current);
    ASSERT_TRUE(status.ok()) << status.error_message();
  }
  // A change of something else is no grade change.
  cv1::UpdateCustomerRequest rename;
  rename.mutable_customer()->set_id(current.id());
  rename.mutable_customer()->set_etag(current.etag());
  rename.mutable_customer()->set_name("升级客户（华东）");
  rename.mutable_update_mask()->add_paths("name");
  ASSERT_TRUE(customers_->UpdateCustomer(AuthContext(me).get(), rename, &current).ok());

  rv1::GetGradeChangesRequest grades_request;
  *grades_request.mutable_period() = PeriodOf("2027-11-20", "2027-11-20");
  rv1::GradeChanges grades;
  ASSERT_TRUE(testing::Eventually(
      [&] {
        return ReadModelCaughtUp() &&
               reports_->GetGradeChanges(AuthContext(me).get(), grades_request, &grades).ok();
      },
      std::chrono::seconds(20)));
  ASSERT_EQ(grades.rows_size(), 2) << grades.DebugString();
  EXPECT_EQ(grades.rows(0).customer_id(), graded.id());  // the newest first
  EXPECT_EQ(grades.rows(0).customer_name(), "升级客户（华东）");
  EXPECT_EQ(grades.rows(0).change_date(), "2027-11-20");
  EXPECT_EQ(grades.rows(0).from_grade(), "CUSTOMER_GRADE_EFFECTIVE");
  EXPECT_EQ(grades.rows(0).to_grade(), "CUSTOMER_GRADE_INTENDED");
  EXPECT_EQ(grades.rows(1).from_grade(), "CUSTOMER_GRADE_POTENTIAL");
  EXPECT_EQ(grades.rows(1).to_grade(), "CUSTOMER_GRADE_EFFECTIVE");
  EXPECT_EQ(grades.moves_size(), 2);
  // Page by page: the same rows.
  grades_request.set_page_size(1);
  rv1::GradeChanges first, second;
  ASSERT_TRUE(reports_->GetGradeChanges(AuthContext(me).get(), grades_request, &first).ok());
  ASSERT_FALSE(first.next_page_token().empty());
  grades_request.set_page_token(first.next_page_token());
  ASSERT_TRUE(reports_->GetGradeChanges(AuthContext(me).get(), grades_request, &second).ok());
  ASSERT_EQ(second.rows_size(), 1);
  EXPECT_EQ(second.rows(0).to_grade(), "CUSTOMER_GRADE_EFFECTIVE");
  EXPECT_EQ(second.moves_size(), 0);  // counted on the first page
  rv1::GradeChanges theirs;
  grades_request.clear_page_token();
  ASSERT_TRUE(
      reports_->GetGradeChanges(AuthContext(org_->sales_b).get(), grades_request, &theirs).ok());
  for (const rv1::GradeChangeRow& r : theirs.rows()) EXPECT_NE(r.customer_id(), graded.id());

  // Contribution: three customers on one day, ranked by margin.
  const sv1::Product rich = Product("高毛利件", 20'000, 5'001, 13);
  const sv1::Product lean = Product("低毛利件", 20'000, 18'333, 13);
  const cv1::Customer a = Customer(me, "贡献甲", "east", cv1::CUSTOMER_GRADE_EFFECTIVE);
  const cv1::Customer b = Customer(me, "贡献乙", "east", cv1::CUSTOMER_GRADE_EFFECTIVE);
  const cv1::Customer c = Customer(me, "贡献丙", "east", cv1::CUSTOMER_GRADE_EFFECTIVE);
  const std::map<int64_t, int64_t> cost_of = {{rich.id(), 5'001}, {lean.id(), 18'333}};
  std::map<int64_t, std::pair<int64_t, int64_t>> expected;  // customer → (amount, margin)
  auto sell = [&](const cv1::Customer& to, int64_t product, int64_t quantity, int discount) {
    const sv1::Order order =
        Order(me, At(2027, 11, 21, 10), to.id(), {{product, quantity, discount}});
    for (const sv1::OrderLine& l : order.lines()) {
      // cost = cost price × quantity, half up to the fen
      const int64_t cost = (cost_of.at(l.product_id()) * l.quantity_milli() + 500) / 1000;
      expected[to.id()].first += Fen(l.amount());
      expected[to.id()].second += Fen(l.amount()) - cost;
    }
  };
  sell(a, lean.id(), 10'000, 0);   // much sold, little margin
  sell(b, rich.id(), 1'500, 0);    // less sold, more margin
  sell(c, rich.id(), 1'250, 300);  // a little less again
  sell(c, lean.id(), 333, 0);
  int64_t total_amount = 0, total_margin = 0;
  for (const auto& [id, figures] : expected) {
    total_amount += figures.first;
    total_margin += figures.second;
  }
  std::vector<std::pair<int64_t, int64_t>> ranking;  // (−margin, id)
  for (const auto& [id, figures] : expected) ranking.push_back({-figures.second, id});
  std::sort(ranking.begin(), ranking.end());

  rv1::GetCustomerContributionRequest contribution_request;
  *contribution_request.mutable_period() = PeriodOf("2027-11-21", "2027-11-21");
  contribution_request.set_page_size(2);
  std::vector<rv1::ContributionRow> rows;
  rv1::CustomerContribution page;
  ASSERT_TRUE(testing::Eventually(
      [&] {
        return reports_->GetCustomerContribution(AuthContext(me).get(), contribution_request, &page)
                   .ok() &&
               Fen(page.total_amount()) == total_amount;
      },
      std::chrono::seconds(20)))
      << page.DebugString();
  EXPECT_EQ(Fen(page.total_margin()), total_margin);
  for (;;) {
    rows.insert(rows.end(), page.rows().begin(), page.rows().end());
    if (page.next_page_token().empty()) break;
    contribution_request.set_page_token(page.next_page_token());
    ASSERT_TRUE(
        reports_->GetCustomerContribution(AuthContext(me).get(), contribution_request, &page).ok());
  }
  ASSERT_EQ(rows.size(), 3u);
  for (size_t i = 0; i < rows.size(); ++i) {
    const int64_t id = ranking[i].second;
    EXPECT_EQ(rows[i].customer_id(), id) << i;
    EXPECT_EQ(Fen(rows[i].amount()), expected[id].first);
    EXPECT_EQ(Fen(rows[i].gross_margin()), expected[id].second);
    EXPECT_EQ(rows[i].share_bp(),
              (expected[id].first * 20'000 + total_amount) / (2 * total_amount));
    EXPECT_EQ(rows[i].margin_share_bp(),
              (expected[id].second * 20'000 + total_margin) / (2 * total_margin));
  }
  EXPECT_EQ(rows[0].customer_id(), b.id());
  EXPECT_EQ(rows[2].customer_id(), a.id());

  // Over a year (read in customer order: OrdersPerCustomer) the same
  // customers show the same figures, among other tests' customers.
  contribution_request.set_page_token("");
  contribution_request.set_page_size(1000);
  *contribution_request.mutable_period() = PeriodOf("2027-01-01", "2027-12-31");
  ASSERT_TRUE(
      reports_->GetCustomerContribution(AuthContext(me).get(), contribution_request, &page).ok());
  std::map<int64_t, std::pair<int64_t, int64_t>> over_the_year;
  for (const rv1::ContributionRow& row : page.rows()) {
    over_the_year[row.customer_id()] = {Fen(row.amount()), Fen(row.gross_margin())};
  }
  for (const auto& [id, figures] : expected) EXPECT_EQ(over_the_year[id], figures) << id;
}

TEST_F(ReportsE2eTest, HighValueCustomersGoingQuietAndTheListsExported) {
  const Session& me = org_->sales_a;
  const sv1::Product part = Product("大客户件", 1'234'567, 1'000'000, 13);
  const cv1::Customer big = [&] {
    clock_->Set(At(2027, 8, 1, 9));
    return Customer(me, "沉默大客户", "east", cv1::CUSTOMER_GRADE_EFFECTIVE);
  }();
  const cv1::Customer small = Customer(me, "沉默小客户", "east", cv1::CUSTOMER_GRADE_EFFECTIVE);
  const int64_t big_sales =
      Fen(Order(me, At(2027, 8, 1, 10), big.id(), {{part.id(), 3'000, 0}}).total_amount());
  Order(me, At(2027, 8, 1, 11), small.id(), {{part.id(), 10, 0}});
  clock_->Set(At(2027, 11, 22, 10));  // 113 days later

  rv1::GetChurnListRequest churn_request;
  churn_request.set_quiet_days(90);
  churn_request.set_page_size(1000);
  churn_request.mutable_min_sales()->set_minor_units(1'000'000);
  rv1::ChurnList quiet;
  bool big_listed = false;
  ASSERT_TRUE(testing::Eventually(
      [&] {
        if (!ReadModelCaughtUp() ||
            !reports_->GetChurnList(AuthContext(me).get(), churn_request, &quiet).ok()) {
          return false;
        }
        for (const rv1::ChurnRow& r : quiet.rows()) big_listed |= r.customer_id() == big.id();
        return big_listed;
      },
      std::chrono::seconds(20)));
  for (const rv1::ChurnRow& r : quiet.rows()) {
    EXPECT_NE(r.customer_id(), small.id());
    EXPECT_GE(Fen(r.sales()), 1'000'000);
    if (r.customer_id() == big.id()) {
      EXPECT_EQ(Fen(r.sales()), big_sales);
      EXPECT_EQ(r.quiet_days(), 113);
      EXPECT_EQ(r.last_order_date(), "2027-08-01");
    }
  }
  // A sales window that ends before the sale finds neither.
  churn_request.set_sales_days(100);
  ASSERT_TRUE(reports_->GetChurnList(AuthContext(me).get(), churn_request, &quiet).ok());
  for (const rv1::ChurnRow& r : quiet.rows()) EXPECT_NE(r.customer_id(), big.id());
  // Without a threshold, both.
  churn_request.clear_min_sales();
  ASSERT_TRUE(reports_->GetChurnList(AuthContext(me).get(), churn_request, &quiet).ok());
  int both = 0;
  for (const rv1::ChurnRow& r : quiet.rows()) {
    both += r.customer_id() == big.id() || r.customer_id() == small.id();
  }
  EXPECT_EQ(both, 2);
  churn_request.mutable_min_sales()->set_minor_units(-1);
  EXPECT_EQ(reports_->GetChurnList(AuthContext(me).get(), churn_request, &quiet).error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);

  // The contact records and service requests of a day, as CSV.
  sv1::CreateContactRecordRequest record_request;
  record_request.mutable_record()->set_customer_id(big.id());
  record_request.mutable_record()->set_method(sv1::PHONE);
  record_request.mutable_record()->set_subject("=回访");
  record_request.mutable_record()->set_content("询问续约意向");
  record_request.mutable_record()->set_next_step("下周拜访");
  sv1::ContactRecord record;
  grpc::Status status = sales_->CreateContactRecord(AuthContext(me).get(), record_request, &record);
  ASSERT_TRUE(status.ok()) << status.error_message();
  fv1::CreateServiceRequestRequest create;
  create.mutable_service_request()->set_type(fv1::REPAIR);
  create.mutable_service_request()->set_priority(fv1::URGENT);
  create.mutable_service_request()->set_customer_id(big.id());
  create.mutable_service_request()->set_subject("导出报修");
  fv1::ServiceRequest request;
  status = fv1::FeedbackService::NewStub(*gateway_)->CreateServiceRequest(
      AuthContext(org_->admin).get(), create, &request);
  ASSERT_TRUE(status.ok()) << status.error_message();

  rv1::ExportReportRequest contacts;
  contacts.mutable_list()->set_list(rv1::CONTACT_RECORDS);
  *contacts.mutable_list()->mutable_period() = PeriodOf("2027-11-22", "2027-11-22");
  rv1::ExportReportRequest requests;
  requests.mutable_list()->set_list(rv1::SERVICE_REQUESTS);
  *requests.mutable_list()->mutable_period() = PeriodOf("2027-11-22", "2027-11-22");
  Exported contact_csv, request_csv;
  ASSERT_TRUE(testing::Eventually(
      [&] {
        contact_csv = ReadExport(*reports_, me, contacts);
        request_csv = ReadExport(*reports_, org_->admin, requests);
        return contact_csv.rows == 1 && request_csv.rows == 1;
      },
      std::chrono::seconds(20)))
      << contact_csv.rows << " " << request_csv.rows;
  std::vector<std::string> lines = Lines(contact_csv.bytes.substr(3));
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_EQ(lines[0], "记录ID,日期,客户ID,客户名称,方式,主题,内容,下一步,负责人");
  EXPECT_EQ(lines[1], absl::StrFormat("%d,2027-11-22,%d,沉默大客户,PHONE,'=回访,询问续约意向,"
                                      "下周拜访,李雷",
                                      record.id(), big.id()));
  lines = Lines(request_csv.bytes.substr(3));
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_EQ(lines[1].substr(0, lines[1].find(',')), std::to_string(request.id()));
  EXPECT_NE(lines[1].find(",REPAIR,URGENT,导出报修,"), std::string::npos) << lines[1];

  // Reports page by page into one file: the receivables of every customer
  // this sales person has a contract with, and the seasonal index's months.
  rv1::ExportReportRequest receivables;
  receivables.mutable_receivables_report();
  const Exported receivables_csv = ReadExport(*reports_, me, receivables);
  ASSERT_TRUE(receivables_csv.status.ok()) << receivables_csv.status.error_message();
  rv1::ReceivablesReport listed;
  ASSERT_TRUE(
      reports_
          ->GetReceivablesReport(AuthContext(me).get(), rv1::GetReceivablesReportRequest(), &listed)
          .ok());
  EXPECT_EQ(receivables_csv.rows, listed.rows_size());
  rv1::ExportReportRequest seasonal;
  seasonal.mutable_seasonal_index()->set_last_year(2026);
  const Exported seasonal_csv = ReadExport(*reports_, me, seasonal);
  ASSERT_TRUE(seasonal_csv.status.ok()) << seasonal_csv.status.error_message();
  EXPECT_EQ(seasonal_csv.rows, 12);
  rv1::ExportReportRequest bad;
  bad.mutable_target_attainment()->set_from_month("2027-1");
  const Exported refused = ReadExport(*reports_, me, bad);
  EXPECT_EQ(refused.status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_NE(refused.status.error_message().find("target_attainment.from_month"), std::string::npos)
      << refused.status.error_message();
}

}  // namespace
}  // namespace crm::reports_e2e
