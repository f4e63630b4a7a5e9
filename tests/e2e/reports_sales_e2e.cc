// Sales reports end to end: ISO weeks across a year boundary, owners and
// visibility, product sales to the fen, ABC classes across pages, customer
// composition, the funnel from stage history, and refused requests.
#include "tests/e2e/reports_e2e_fixture.h"

namespace crm::reports_e2e {
namespace {

TEST_F(ReportsE2eTest, SalesAreBucketedInTheCompanysCalendarByOwnerAndProduct) {
  const sv1::Product breaker = Product("断路器", 19'900, 12'345, 13);
  const sv1::Product cable = Product("电缆", 3'333, 1'111, 6);
  const cv1::Customer a1 = Customer(org_->sales_a, "华东甲", "east", cv1::CUSTOMER_GRADE_EFFECTIVE);
  const cv1::Customer a2 = Customer(org_->sales_a, "华东乙", "east", cv1::CUSTOMER_GRADE_POTENTIAL);
  const cv1::Customer b1 =
      Customer(org_->sales_b, "华南甲", "south", cv1::CUSTOMER_GRADE_EFFECTIVE);

  // 23:30 on 31 December in Shanghai (15:30 UTC); 00:30 on 1 January there
  // (still 31 December in UTC), in the same ISO week 2026-W53; 00:30 on
  // Monday 4 January (Sunday 3 January in UTC, which would be 2026-W53),
  // the first day of 2027-W01.
  std::vector<std::pair<sv1::Order, const Session*>> sold;
  sold.push_back(
      {Order(org_->sales_a, At(2026, 12, 31, 23, 30), a1.id(), {{breaker.id(), 2'000, 500}}),
       &org_->sales_a});
  sold.push_back({Order(org_->sales_a, At(2027, 1, 1, 0, 30), a2.id(),
                        {{cable.id(), 3'500, 0}, {breaker.id(), 1'250, 1'000}}, 300),
                  &org_->sales_a});
  sold.push_back({Order(org_->sales_b, At(2027, 1, 4, 0, 30), b1.id(),
                        {{breaker.id(), 1'000, 0}, {cable.id(), 7'777, 250}}),
                  &org_->sales_b});
  // Neither a draft nor a cancelled order is a sale.
  Order(org_->sales_b, At(2027, 1, 4, 9), b1.id(), {{cable.id(), 1'000, 0}}, 0, false);
  const sv1::Order cancelled =
      Order(org_->sales_a, At(2027, 1, 5, 9), a1.id(), {{cable.id(), 2'000, 0}});
  sv1::CancelOrderRequest cancel;
  cancel.set_id(cancelled.id());
  cancel.set_reason("客户取消");
  sv1::Order after_cancel;
  const grpc::Status cancel_status =
      sales_->CancelOrder(AuthContext(org_->sales_a).get(), cancel, &after_cancel);
  ASSERT_TRUE(cancel_status.ok()) << cancel_status.error_message();

  Figures by_week, by_month, by_owner, by_day_of_a, by_region;
  std::map<int64_t, std::string> region_of = {
      {a1.id(), "east"}, {a2.id(), "east"}, {b1.id(), "south"}};
  for (const auto& [order, owner] : sold) {
    absl::CivilDay day;
    ASSERT_TRUE(absl::ParseCivilTime(order.order_date(), &day)) << order.order_date();
    const int64_t amount = order.total_amount().minor_units();
    auto add = [&](Figures& figures, const std::string& key) {
      figures[key].orders += 1;
      figures[key].amount += amount;
    };
    add(by_week, IsoWeek(day) + "|");
    add(by_month, absl::StrFormat("%04d-%02d|", day.year(), day.month()));
    add(by_owner,
        absl::StrFormat("%04d-%02d|%d", day.year(), day.month(), order.owner_employee_id()));
    add(by_region, absl::StrFormat("%04d|%s", day.year(), region_of[order.customer_id()]));
    if (owner == &org_->sales_a) add(by_day_of_a, FormatDay(day) + "|");
  }
  ASSERT_EQ(by_week.size(), 2u);  // 2026-W53 and 2027-W01, as the company's calendar has it
  EXPECT_EQ(by_week.count("2026-W53|"), 1u);

  const rv1::Period period = PeriodOf("2026-12-28", "2027-01-10");
  ExpectSales(org_->admin, period, rv1::WEEK, rv1::SALES_GROUPING_UNSPECIFIED, by_week);
  ExpectSales(org_->admin, period, rv1::MONTH, rv1::SALES_GROUPING_UNSPECIFIED, by_month);
  ExpectSales(org_->head_centre, period, rv1::MONTH, rv1::BY_OWNER, by_owner);
  ExpectSales(org_->admin, period, rv1::YEAR, rv1::BY_REGION, by_region);
  // A sales person sees only their own orders; their head the same.
  ExpectSales(org_->sales_a, period, rv1::DAY, rv1::SALES_GROUPING_UNSPECIFIED, by_day_of_a);
  ExpectSales(org_->head_east, period, rv1::DAY, rv1::SALES_GROUPING_UNSPECIFIED, by_day_of_a);

  // The owners' names come from the org feed.
  const std::optional<rv1::SalesReport> named =
      TrySalesReport(org_->head_centre, period, rv1::YEAR, rv1::BY_OWNER);
  ASSERT_TRUE(named.has_value());
  std::map<std::string, std::string> names;
  for (const rv1::SalesRow& row : named->rows()) names[row.group_key()] = row.group_name();
  EXPECT_EQ(names[std::to_string(org_->sales_a_employee)], "李雷");
  EXPECT_EQ(names[std::to_string(org_->sales_b_employee)], "王芳");

  // Products: quantities, line amounts (after the order discount's share)
  // and margins over cost, each line's cost rounded half up to the fen.
  struct ProductFigure {
    int64_t quantity = 0, amount = 0, margin = 0, orders = 0;
  };
  std::map<int64_t, ProductFigure> products;
  int64_t total = 0;
  for (const auto& [order, owner] : sold) {
    std::map<int64_t, bool> in_order;
    for (const sv1::OrderLine& line : order.lines()) {
      ProductFigure& figure = products[line.product_id()];
      figure.quantity += line.quantity_milli();
      figure.amount += line.amount().minor_units();
      const __int128 cost_milli =
          static_cast<__int128>(line.cost_price().minor_units()) * line.quantity_milli();
      figure.margin +=
          line.amount().minor_units() - static_cast<int64_t>((cost_milli + 500) / 1000);
      if (!in_order[line.product_id()]) ++figure.orders;
      in_order[line.product_id()] = true;
      total += line.amount().minor_units();
    }
  }
  rv1::GetProductSalesRequest product_request;
  *product_request.mutable_period() = period;
  rv1::ProductSales product_sales;
  ASSERT_TRUE(testing::Eventually([&] {
    product_sales.Clear();
    return reports_
               ->GetProductSales(AuthContext(org_->admin).get(), product_request, &product_sales)
               .ok() &&
           product_sales.total_amount().minor_units() == total;
  }));
  ASSERT_EQ(product_sales.rows_size(), 2);
  for (const rv1::ProductSalesRow& row : product_sales.rows()) {
    const ProductFigure& figure = products[row.product_id()];
    EXPECT_EQ(row.quantity_milli(), figure.quantity) << row.product_name();
    EXPECT_EQ(row.amount().minor_units(), figure.amount) << row.product_name();
    EXPECT_EQ(row.gross_margin().minor_units(), figure.margin) << row.product_name();
    EXPECT_EQ(row.orders(), figure.orders) << row.product_name();
    EXPECT_EQ(row.share_bp(), (figure.amount * 10000 * 2 + total) / (2 * total));
  }
  EXPECT_GE(product_sales.rows(0).amount().minor_units(),
            product_sales.rows(1).amount().minor_units());

  // A customer moving region takes their past sales along: the by-region
  // figures follow the customer's region now, as the source join would.
  cv1::UpdateCustomerRequest move;
  move.mutable_customer()->set_id(a2.id());
  move.mutable_customer()->set_etag(a2.etag());
  move.mutable_customer()->set_region_code("north");
  move.mutable_update_mask()->add_paths("region_code");
  cv1::Customer moved;
  const grpc::Status move_status =
      customers_->UpdateCustomer(AuthContext(org_->sales_a).get(), move, &moved);
  ASSERT_TRUE(move_status.ok()) << move_status.error_message();
  region_of[a2.id()] = "north";
  Figures by_new_region;
  for (const auto& [order, owner] : sold) {
    const std::string key =
        absl::StrFormat("%s|%s", order.order_date().substr(0, 4), region_of[order.customer_id()]);
    by_new_region[key].orders += 1;
    by_new_region[key].amount += order.total_amount().minor_units();
  }
  ASSERT_NE(by_new_region, by_region);
  ExpectSales(org_->admin, period, rv1::YEAR, rv1::BY_REGION, by_new_region);
}

TEST_F(ReportsE2eTest, AbcClassesFollowTheCumulativeShareAcrossPages) {
  const sv1::Product unit = Product("标准件", 10'000, 6'000, 13);
  // 50%, 20%, 15%, 10% and 5% of the month's sales: cumulative shares above
  // each 0, 50, 70, 85, 95 → A, A, A, B, C at the default 75/20/5.
  const std::vector<int64_t> units = {50, 20, 15, 10, 5};
  std::vector<std::pair<int64_t, int64_t>> expected;  // customer, amount
  for (size_t i = 0; i < units.size(); ++i) {
    const cv1::Customer customer = Customer(org_->sales_a, "ABC客户" + std::to_string(i), "east",
                                            cv1::CUSTOMER_GRADE_INTENDED);
    const sv1::Order order = Order(org_->sales_a, At(2027, 2, 10 + static_cast<int>(i), 11),
                                   customer.id(), {{unit.id(), units[i] * 1000, 0}});
    expected.push_back({customer.id(), order.total_amount().minor_units()});
  }
  int64_t total = 0;
  for (const auto& [customer, amount] : expected) total += amount;
  std::vector<std::string> classes;
  int64_t before = 0;
  for (const auto& [customer, amount] : expected) {
    classes.push_back(before * 100 < 75 * total ? "A" : before * 100 < 95 * total ? "B" : "C");
    before += amount;
  }
  EXPECT_EQ(classes, (std::vector<std::string>{"A", "A", "A", "B", "C"}));

  const rv1::Period february = PeriodOf("2027-02-01", "2027-02-28");
  ASSERT_TRUE(testing::Eventually([&] { return Abc(org_->admin, february).total_customers() == 5; },
                                  std::chrono::seconds(20)));
  // The customers' names come from the customer feed.
  ASSERT_TRUE(testing::Eventually([&] { return ReadModelCaughtUp(); }, std::chrono::seconds(20)));
  std::vector<rv1::AbcRow> rows;
  std::string token;
  int pages = 0;
  do {
    const rv1::AbcAnalysis page = Abc(org_->admin, february, 2, token);
    for (const rv1::AbcRow& row : page.rows()) rows.push_back(row);
    token = page.next_page_token();
    ++pages;
    if (pages == 1) {
      ASSERT_EQ(page.classes_size(), 3);
      EXPECT_EQ(page.classes(0).customers(), 3);
      EXPECT_EQ(page.classes(0).amount().minor_units(),
                expected[0].second + expected[1].second + expected[2].second);
      EXPECT_EQ(page.classes(1).customers(), 1);
      EXPECT_EQ(page.classes(2).customers(), 1);
      EXPECT_EQ(page.total_amount().minor_units(), total);
    }
  } while (!token.empty() && pages < 10);
  EXPECT_EQ(pages, 3);
  ASSERT_EQ(rows.size(), expected.size());
  int64_t cumulative = 0;
  for (size_t i = 0; i < rows.size(); ++i) {
    cumulative += expected[i].second;
    EXPECT_EQ(rows[i].rank(), static_cast<int>(i) + 1);
    EXPECT_EQ(rows[i].customer_id(), expected[i].first);
    EXPECT_EQ(rows[i].amount().minor_units(), expected[i].second);
    EXPECT_EQ(rows[i].abc_class(), classes[i]);
    EXPECT_EQ(rows[i].cumulative_share_bp(), (cumulative * 20000 + total) / (2 * total));
    EXPECT_EQ(rows[i].customer_name(), "ABC客户" + std::to_string(i));
  }
  // Someone who sees none of these customers' orders sees no analysis.
  EXPECT_EQ(Abc(org_->sales_b, february).total_customers(), 0);
  // Over a year (read in customer order) the same customers keep their
  // amounts and order, among other tests' customers.
  const rv1::AbcAnalysis year = Abc(org_->admin, PeriodOf("2027-01-01", "2027-12-31"), 1000);
  std::vector<std::pair<int64_t, int64_t>> in_year;
  for (const rv1::AbcRow& row : year.rows()) {
    for (const auto& [customer, amount] : expected) {
      if (row.customer_id() == customer) in_year.push_back({customer, row.amount().minor_units()});
    }
  }
  EXPECT_EQ(in_year, expected);

  // The export ranks once and writes every rank, in order, with its class;
  // bad cut-offs are named under the export's field.
  rv1::ExportReportRequest export_request;
  *export_request.mutable_abc_analysis()->mutable_period() = february;
  const Exported exported = ReadExport(*reports_, org_->admin, export_request);
  ASSERT_TRUE(exported.status.ok()) << exported.status.error_message();
  EXPECT_EQ(exported.rows, static_cast<int64_t>(expected.size()));
  const std::vector<std::string> lines = Lines(exported.bytes.substr(3));  // after the BOM
  ASSERT_EQ(lines.size(), expected.size() + 1);
  for (size_t i = 0; i < expected.size(); ++i) {
    const std::vector<std::string> cells = absl::StrSplit(lines[i + 1], ',');
    ASSERT_EQ(cells.size(), 7u) << lines[i + 1];
    EXPECT_EQ(cells[0], std::to_string(i + 1));
    EXPECT_EQ(cells[1], std::to_string(expected[i].first));
    EXPECT_EQ(cells[2], "ABC客户" + std::to_string(i));
    EXPECT_EQ(cells[6], classes[i]);
  }
  export_request.mutable_abc_analysis()->set_a_percent(100);
  const Exported refused = ReadExport(*reports_, org_->admin, export_request);
  EXPECT_EQ(refused.status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_NE(refused.status.error_message().find("abc_analysis.a_percent"), std::string::npos)
      << refused.status.error_message();
}

TEST_F(ReportsE2eTest, CustomerCompositionCountsWhatTheCallerMaySee) {
  Customer(org_->sales_b, "构成客户", "north", cv1::CUSTOMER_GRADE_POTENTIAL);
  std::map<std::string, int64_t> by_grade, by_region_of_b;
  for (const cv1::Customer& customer : created_customers_) {
    ++by_grade[cv1::CustomerGrade_Name(customer.grade())];
    if (customer.owner_id() == org_->sales_b_employee) ++by_region_of_b[customer.region_code()];
  }
  auto composition = [&](const Session& as, rv1::CustomerDimension dimension) {
    rv1::GetCustomerCompositionRequest request;
    request.set_dimension(dimension);
    rv1::CustomerComposition report;
    const grpc::Status status =
        reports_->GetCustomerComposition(AuthContext(as).get(), request, &report);
    EXPECT_TRUE(status.ok()) << status.error_message();
    std::map<std::string, int64_t> counts;
    for (const rv1::CompositionRow& row : report.rows()) counts[row.key()] = row.customers();
    return counts;
  };
  EXPECT_TRUE(testing::Eventually([&] { return composition(org_->admin, rv1::GRADE) == by_grade; },
                                  std::chrono::seconds(20)));
  EXPECT_TRUE(
      testing::Eventually([&] { return composition(org_->sales_b, rv1::REGION) == by_region_of_b; },
                          std::chrono::seconds(20)));
}

TEST_F(ReportsE2eTest, BadRequestsAreNamedAndAdministrationIsGuarded) {
  rv1::GetSalesReportRequest no_period;
  rv1::SalesReport report;
  grpc::Status status =
      reports_->GetSalesReport(AuthContext(org_->admin).get(), no_period, &report);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_NE(status.error_message().find("period.start_date"), std::string::npos)
      << status.error_message();
  rv1::GetSalesReportRequest backwards;
  *backwards.mutable_period() = PeriodOf("2027-02-01", "2027-01-01");
  status = reports_->GetSalesReport(AuthContext(org_->admin).get(), backwards, &report);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_NE(status.error_message().find("period.end_date"), std::string::npos);
  rv1::GetAbcAnalysisRequest cutoffs;
  *cutoffs.mutable_period() = PeriodOf("2027-01-01", "2027-01-31");
  cutoffs.set_a_percent(90);
  cutoffs.set_b_percent(20);
  rv1::AbcAnalysis abc;
  status = reports_->GetAbcAnalysis(AuthContext(org_->admin).get(), cutoffs, &abc);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_NE(status.error_message().find("b_percent"), std::string::npos);
  rv1::GetCustomerCompositionRequest no_dimension;
  rv1::CustomerComposition composition;
  status =
      reports_->GetCustomerComposition(AuthContext(org_->admin).get(), no_dimension, &composition);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_NE(status.error_message().find("dimension"), std::string::npos);

  // Only management and administrators rebuild; auditors read reports.
  rv1::RebuildReadModelResponse rebuilt;
  status = reports_->RebuildReadModel(AuthContext(org_->sales_a).get(), {}, &rebuilt);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::PERMISSION_DENIED);
  status = reports_->RebuildReadModel(AuthContext(org_->auditor).get(), {}, &rebuilt);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::PERMISSION_DENIED);
  rv1::GetFeedStatusResponse feeds;
  status = reports_->GetFeedStatus(AuthContext(org_->auditor).get(), {}, &feeds);
  EXPECT_TRUE(status.ok()) << status.error_message();
}

TEST_F(ReportsE2eTest, TheFunnelFollowsEachOpportunitysStageHistory) {
  const cv1::Customer customer =
      Customer(org_->sales_a, "漏斗客户", "east", cv1::CUSTOMER_GRADE_EFFECTIVE);
  sv1::ListPipelineStagesResponse pipeline;
  ASSERT_TRUE(sales_->ListPipelineStages(AuthContext(org_->sales_a).get(), {}, &pipeline).ok());
  std::map<std::string, int> position;
  for (const sv1::PipelineStage& stage : pipeline.stages())
    position[stage.code()] = stage.position();

  // Each opportunity's stays (stage, entered, left or nothing) as this test
  // makes them, hours after 09:00 on 1 April.
  struct Model {
    int64_t id = 0, amount = 0;
    int probability = 0;
    sv1::OpportunityStatus status = sv1::OPEN;
    std::vector<std::tuple<std::string, int, int>> stays;  // stage, entered, left (-1 open)
    std::string etag;                                      // as last read: what an update names
  };
  std::map<std::string, Model> model;
  auto at = [](int hour) { return At(2027, 4, 1, 9 + hour); };
  auto create = [&](const std::string& title, const std::string& stage, int64_t amount) {
    clock_->Set(at(0));
    sv1::CreateOpportunityRequest request;
    request.mutable_opportunity()->set_customer_id(customer.id());
    request.mutable_opportunity()->set_title(title);
    request.mutable_opportunity()->set_stage_code(stage);
    request.mutable_opportunity()->mutable_amount()->set_minor_units(amount);
    request.mutable_opportunity()->set_expected_close_date("2027-06-30");
    sv1::Opportunity created;
    const grpc::Status status =
        sales_->CreateOpportunity(AuthContext(org_->sales_a).get(), request, &created);
    ASSERT_TRUE(status.ok()) << status.error_message();
    model[title] = {created.id(), amount,           created.win_probability_percent(),
                    sv1::OPEN,    {{stage, 0, -1}}, created.etag()};
  };
  auto move = [&](const std::string& title, const std::string& stage, int hour) {
    clock_->Set(at(hour));
    sv1::UpdateOpportunityRequest request;
    request.mutable_opportunity()->set_id(model[title].id);
    request.mutable_opportunity()->set_etag(model[title].etag);
    request.mutable_opportunity()->set_stage_code(stage);
    request.mutable_update_mask()->add_paths("stage_code");
    sv1::Opportunity updated;
    const grpc::Status status =
        sales_->UpdateOpportunity(AuthContext(org_->sales_a).get(), request, &updated);
    ASSERT_TRUE(status.ok()) << status.error_message();
    std::get<2>(model[title].stays.back()) = hour;
    model[title].stays.push_back({stage, hour, -1});
    model[title].probability = updated.win_probability_percent();
    model[title].etag = updated.etag();
  };
  auto close = [&](const std::string& title, bool won, int hour) {
    clock_->Set(at(hour));
    sv1::CloseOpportunityRequest request;
    request.set_id(model[title].id);
    request.set_won(won);
    request.set_reason(won ? "签约" : "预算取消");
    sv1::Opportunity closed;
    const grpc::Status status =
        sales_->CloseOpportunity(AuthContext(org_->sales_a).get(), request, &closed);
    ASSERT_TRUE(status.ok()) << status.error_message();
    std::get<2>(model[title].stays.back()) = hour;
    model[title].status = won ? sv1::WON : sv1::LOST;
  };
  create("甲", "lead", 100'000);
  create("乙", "lead", 200'000);
  create("丙", "qualified", 300'003);
  create("丁", "lead", 50'005);
  move("甲", "qualified", 2);
  move("乙", "qualified", 2);
  move("甲", "proposal", 5);
  close("甲", true, 9);
  close("乙", false, 9);

  // The funnel as this test computes it from the model.
  struct Expected {
    int64_t reached = 0, reached_amount = 0, open = 0, open_amount = 0, weighted = 0;
    int64_t stays = 0, stay_seconds = 0;
  };
  std::map<std::string, Expected> expected;
  int64_t won = 0, won_amount = 0, lost = 0, forecast = 0;
  for (const auto& [title, m] : model) {
    int furthest = 0;
    for (const auto& [stage, entered, left] : m.stays) {
      furthest = std::max(furthest, position[stage]);
      if (left >= 0) {
        expected[stage].stays += 1;
        expected[stage].stay_seconds += (left - entered) * 3600;
      }
    }
    for (const auto& [code, pos] : position) {
      if (pos > furthest) continue;
      expected[code].reached += 1;
      expected[code].reached_amount += m.amount;
    }
    if (m.status == sv1::WON) {
      ++won;
      won_amount += m.amount;
    } else if (m.status == sv1::LOST) {
      ++lost;
    } else {
      Expected& stage = expected[std::get<0>(m.stays.back())];
      stage.open += 1;
      stage.open_amount += m.amount;
      const int64_t weighted = (m.amount * m.probability * 2 + 100) / 200;  // half up
      stage.weighted += weighted;
      forecast += weighted;
    }
  }
  EXPECT_EQ(forecast, 75'001 + 5'001);  // 300,003 × 25% and 50,005 × 10%, each rounded half up

  rv1::GetSalesFunnelRequest request;
  *request.mutable_period() = PeriodOf("2027-04-01", "2027-04-01");
  rv1::SalesFunnel funnel;
  ASSERT_TRUE(testing::Eventually(
      [&] {
        funnel.Clear();
        return reports_->GetSalesFunnel(AuthContext(org_->head_east).get(), request, &funnel)
                   .ok() &&
               funnel.won() == 1 && funnel.lost() == 1;
      },
      std::chrono::seconds(20)));
  EXPECT_EQ(funnel.opportunities(), 4);
  EXPECT_EQ(funnel.won_amount().minor_units(), won_amount);
  EXPECT_EQ(funnel.won(), won);
  EXPECT_EQ(funnel.lost(), lost);
  EXPECT_EQ(funnel.weighted_forecast().minor_units(), forecast);
  ASSERT_EQ(funnel.stages_size(), pipeline.stages_size());
  for (int i = 0; i < funnel.stages_size(); ++i) {
    const rv1::FunnelStage& stage = funnel.stages(i);
    const Expected& e = expected[stage.stage_code()];
    EXPECT_EQ(stage.stage_code(), pipeline.stages(i).code());
    EXPECT_EQ(stage.reached(), e.reached) << stage.stage_code();
    EXPECT_EQ(stage.reached_amount().minor_units(), e.reached_amount) << stage.stage_code();
    EXPECT_EQ(stage.open(), e.open) << stage.stage_code();
    EXPECT_EQ(stage.open_amount().minor_units(), e.open_amount) << stage.stage_code();
    EXPECT_EQ(stage.weighted_amount().minor_units(), e.weighted) << stage.stage_code();
    EXPECT_EQ(stage.completed_stays(), e.stays) << stage.stage_code();
    EXPECT_EQ(stage.average_seconds_in_stage(), e.stays == 0 ? 0 : e.stay_seconds / e.stays)
        << stage.stage_code();
    const int64_t next =
        i + 1 < funnel.stages_size() ? expected[funnel.stages(i + 1).stage_code()].reached : 0;
    EXPECT_EQ(stage.conversion_to_next_bp(), i + 1 < funnel.stages_size() && e.reached > 0
                                                 ? (next * 20000 + e.reached) / (2 * e.reached)
                                                 : 0)
        << stage.stage_code();
  }
  EXPECT_EQ(funnel.stages(0).conversion_to_next_bp(), 7500);  // 3 of 4 went past 初步接洽
  // Another department's sales person sees none of them.
  rv1::SalesFunnel theirs;
  ASSERT_TRUE(reports_->GetSalesFunnel(AuthContext(org_->sales_b).get(), request, &theirs).ok());
  EXPECT_EQ(theirs.opportunities(), 0);
}

}  // namespace
}  // namespace crm::reports_e2e
