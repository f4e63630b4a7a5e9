// Reports end to end: orders and customers made through the gateway on a
// business clock the test sets (customer and sales in the machine's zone,
// UTC here; the company's is Asia/Shanghai), read back from the reporting
// service's read model and checked against figures this test computes from
// what the sales service answered: ISO weeks across a year boundary, owners
// and visibility, ABC classes, product sales to the fen; then the read model
// stopped while writes go on, killed while it catches up, and rebuilt from
// sequence 0, each giving the same figures.
#include <google/protobuf/util/message_differencer.h>
#include <gtest/gtest.h>
#include <iconv.h>

#include <algorithm>
#include <csignal>
#include <map>
#include <optional>
#include <string>
#include <tuple>
#include <vector>

#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "common/db/record_helpers.h"
#include "crm/customer/v1/customer_service.grpc.pb.h"
#include "crm/feedback/v1/feedback_service.grpc.pb.h"
#include "crm/org/v1/org_service.grpc.pb.h"
#include "crm/reporting/v1/reporting_service.grpc.pb.h"
#include "crm/sales/v1/sales_service.grpc.pb.h"
#include "tests/support/clients.h"
#include "tests/support/sales_org.h"
#include "tests/support/session.h"
#include "tests/support/stack.h"
#include "tests/support/test_clock.h"
#include "tests/support/waiting.h"

namespace crm {
namespace {

namespace cv1 = customer::v1;
namespace fv1 = feedback::v1;
namespace rv1 = reporting::v1;
namespace sv1 = sales::v1;
using google::protobuf::util::MessageDifferencer;
using testing::AuthContext;
using testing::Session;

absl::TimeZone Shanghai() {
  absl::TimeZone zone;
  absl::LoadTimeZone("Asia/Shanghai", &zone);
  return zone;
}

absl::Time At(int year, int month, int day, int hour, int minute = 0) {
  return absl::FromCivil(absl::CivilMinute(year, month, day, hour, minute), Shanghai());
}

// The ISO week of `day` as reports.proto labels it, computed here from the
// definition (the week's Thursday decides its year).
std::string IsoWeek(absl::CivilDay day) {
  const int weekday = static_cast<int>(absl::GetWeekday(day));  // Monday 0 … Sunday 6
  const absl::CivilDay thursday = day - weekday + 3;
  const absl::CivilDay first(thursday.year(), 1, 1);
  return absl::StrFormat("%04d-W%02d", thursday.year(), (thursday - first) / 7 + 1);
}

rv1::Period PeriodOf(const std::string& start, const std::string& end) {
  rv1::Period period;
  period.set_start_date(start);
  period.set_end_date(end);
  return period;
}

// What the test expects of one bucket (and group).
struct Figure {
  int64_t orders = 0;
  int64_t amount = 0;
  bool operator==(const Figure& other) const {
    return orders == other.orders && amount == other.amount;
  }
};
using Figures = std::map<std::string, Figure>;  // "bucket|group" → figure

// Which of two snapshots' reports differ (for a failure message).
std::string Differences(const std::vector<std::string>& before,
                        const std::vector<std::string>& after) {
  if (before.size() != after.size()) return "the reports could not be read";
  std::string differ;
  for (size_t i = 0; i < before.size(); ++i) {
    if (before[i] != after[i]) differ += absl::StrFormat(" %d", i);
  }
  return "reports that differ:" + differ;
}

class ReportsE2eTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    clock_ = new testing::TestClockFile(At(2026, 12, 28, 10));
    testing::StackOptions options;
    options.backend_flags["customer"] = {clock_->Flag()};
    options.backend_flags["sales"] = {clock_->Flag()};
    options.backend_flags["feedback"] = {clock_->Flag()};
    options.backend_flags["reporting"] = {clock_->Flag()};
    stack_ = new testing::Stack(options);
    stack_->Start();
    gateway_ = new std::shared_ptr<grpc::Channel>(testing::Connect(stack_->gateway_address()));
    org_ = new testing::SalesOrg(testing::SalesOrg::Build(*gateway_));
  }
  static void TearDownTestSuite() {
    delete stack_;
    stack_ = nullptr;
    delete clock_;
  }

  void SetUp() override {
    sales_ = sv1::SalesService::NewStub(*gateway_);
    customers_ = cv1::CustomerService::NewStub(*gateway_);
    reports_ = rv1::ReportingService::NewStub(*gateway_);
  }

  sv1::Product Product(const std::string& name, int64_t price_fen, int64_t cost_fen, int vat) {
    sv1::CreateProductRequest request;
    request.mutable_product()->set_name(name);
    request.mutable_product()->set_unit("台");
    request.mutable_product()->mutable_list_price()->set_minor_units(price_fen);
    request.mutable_product()->mutable_cost_price()->set_minor_units(cost_fen);
    request.mutable_product()->set_vat_rate_percent(vat);
    sv1::Product product;
    grpc::Status status = sales_->CreateProduct(AuthContext(org_->admin).get(), request, &product);
    EXPECT_TRUE(status.ok()) << status.error_message();
    sv1::RecordStockMovementRequest receipt;
    receipt.mutable_movement()->set_product_id(product.id());
    receipt.mutable_movement()->set_kind(sv1::RECEIPT);
    receipt.mutable_movement()->set_quantity_milli(10'000'000);
    receipt.mutable_movement()->set_reason("期初入库");
    sv1::StockMovement movement;
    status = sales_->RecordStockMovement(AuthContext(org_->admin).get(), receipt, &movement);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return product;
  }

  cv1::Customer Customer(const Session& as, const std::string& name, const std::string& region,
                         cv1::CustomerGrade grade) {
    cv1::CreateCustomerRequest request;
    request.mutable_customer()->set_name(name);
    request.mutable_customer()->set_region_code(region);
    request.mutable_customer()->set_grade(grade);
    cv1::Customer created;
    const grpc::Status status =
        customers_->CreateCustomer(AuthContext(as).get(), request, &created);
    EXPECT_TRUE(status.ok()) << status.error_message();
    created_customers_.push_back(created);
    return created;
  }

  // An order of `lines` (product, quantity in thousandths, line discount)
  // made at `when`, confirmed unless `confirm` is false.
  sv1::Order Order(const Session& as, absl::Time when, int64_t customer_id,
                   const std::vector<std::tuple<int64_t, int64_t, int>>& lines,
                   int order_discount_bp = 0, bool confirm = true) {
    clock_->Set(when);
    sv1::CreateOrderRequest request;
    request.mutable_order()->set_customer_id(customer_id);
    request.mutable_order()->set_order_discount_bp(order_discount_bp);
    for (const auto& [product, quantity, discount] : lines) {
      sv1::OrderLine* line = request.mutable_order()->add_lines();
      line->set_product_id(product);
      line->set_quantity_milli(quantity);
      line->set_discount_bp(discount);
    }
    sv1::Order order;
    grpc::Status status = sales_->CreateOrder(AuthContext(as).get(), request, &order);
    EXPECT_TRUE(status.ok()) << status.error_message();
    // The order's day is the company's, not the server's.
    EXPECT_EQ(order.order_date(), FormatDay(absl::ToCivilDay(when, Shanghai())));
    if (!confirm) return order;
    sv1::ConfirmOrderRequest confirm_request;
    confirm_request.set_id(order.id());
    status = sales_->ConfirmOrder(AuthContext(as).get(), confirm_request, &order);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return order;
  }

  static std::string FormatDay(absl::CivilDay day) {
    return absl::StrFormat("%04d-%02d-%02d", day.year(), day.month(), day.day());
  }

  // The report, or nothing while the reporting service cannot answer (it
  // is restarted below; the gateway notices within its health poll).
  std::optional<rv1::SalesReport> TrySalesReport(
      const Session& as, const rv1::Period& period, rv1::Bucket bucket,
      rv1::SalesGrouping grouping = rv1::SALES_GROUPING_UNSPECIFIED) {
    rv1::GetSalesReportRequest request;
    *request.mutable_period() = period;
    request.set_bucket(bucket);
    request.set_grouping(grouping);
    rv1::SalesReport report;
    const grpc::Status status = reports_->GetSalesReport(AuthContext(as).get(), request, &report);
    if (!status.ok()) return std::nullopt;
    return report;
  }

  static Figures FiguresOf(const rv1::SalesReport& report) {
    Figures figures;
    for (const rv1::SalesRow& row : report.rows()) {
      figures[row.bucket() + "|" + row.group_key()] = {row.orders(), row.amount().minor_units()};
    }
    return figures;
  }

  // Waits until the report says `expected`; on a timeout, fails showing both.
  void ExpectSales(const Session& as, const rv1::Period& period, rv1::Bucket bucket,
                   rv1::SalesGrouping grouping, const Figures& expected) {
    Figures seen;
    const bool matched = testing::Eventually(
        [&] {
          const std::optional<rv1::SalesReport> report =
              TrySalesReport(as, period, bucket, grouping);
          if (!report) return false;
          seen = FiguresOf(*report);
          return seen == expected;
        },
        std::chrono::seconds(20));
    if (matched) return;
    std::string detail;
    for (const auto& [key, figure] : expected) {
      detail +=
          absl::StrFormat("expected %s: %d orders, %d fen\n", key, figure.orders, figure.amount);
    }
    for (const auto& [key, figure] : seen) {
      detail += absl::StrFormat("seen %s: %d orders, %d fen\n", key, figure.orders, figure.amount);
    }
    ADD_FAILURE() << detail;
  }

  std::optional<rv1::AbcAnalysis> TryAbc(const Session& as, const rv1::Period& period,
                                         int page_size = 0, const std::string& token = "") {
    rv1::GetAbcAnalysisRequest request;
    *request.mutable_period() = period;
    request.set_page_size(page_size);
    request.set_page_token(token);
    rv1::AbcAnalysis report;
    const grpc::Status status = reports_->GetAbcAnalysis(AuthContext(as).get(), request, &report);
    if (!status.ok()) return std::nullopt;
    return report;
  }
  rv1::AbcAnalysis Abc(const Session& as, const rv1::Period& period, int page_size = 0,
                       const std::string& token = "") {
    std::optional<rv1::AbcAnalysis> report = TryAbc(as, period, page_size, token);
    EXPECT_TRUE(report.has_value());
    return report.value_or(rv1::AbcAnalysis());
  }

  // Whether the read model has applied every change its sources hold (each
  // source asked for what follows the sequence reporting last applied).
  bool ReadModelCaughtUp() {
    rv1::GetFeedStatusResponse feeds;
    if (!reports_->GetFeedStatus(AuthContext(org_->admin).get(), {}, &feeds).ok()) return false;
    for (const rv1::FeedStatus& feed : feeds.feeds()) {
      common::v1::ListChangesRequest request;
      request.set_after_sequence(feed.last_sequence());
      request.set_page_size(1);
      common::v1::ListChangesResponse next;
      auto context = AuthContext(org_->admin);
      grpc::Status status;
      if (feed.feed() == "org") {
        status =
            org::v1::OrgService::NewStub(*gateway_)->ListChanges(context.get(), request, &next);
      } else if (feed.feed() == "customer") {
        status = customers_->ListChanges(context.get(), request, &next);
      } else if (feed.feed() == "sales") {
        status = sales_->ListChanges(context.get(), request, &next);
      } else {
        status =
            fv1::FeedbackService::NewStub(*gateway_)->ListChanges(context.get(), request, &next);
      }
      if (!status.ok() || next.changes_size() > 0) return false;
    }
    return true;
  }

  static testing::TestClockFile* clock_;
  static testing::Stack* stack_;
  static std::shared_ptr<grpc::Channel>* gateway_;
  static testing::SalesOrg* org_;
  static std::vector<cv1::Customer> created_customers_;
  std::unique_ptr<sv1::SalesService::Stub> sales_;
  std::unique_ptr<cv1::CustomerService::Stub> customers_;
  std::unique_ptr<rv1::ReportingService::Stub> reports_;
};

testing::TestClockFile* ReportsE2eTest::clock_ = nullptr;
testing::Stack* ReportsE2eTest::stack_ = nullptr;
std::shared_ptr<grpc::Channel>* ReportsE2eTest::gateway_ = nullptr;
testing::SalesOrg* ReportsE2eTest::org_ = nullptr;
std::vector<cv1::Customer> ReportsE2eTest::created_customers_;

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
    model[title] = {
        created.id(), amount, created.win_probability_percent(), sv1::OPEN, {{stage, 0, -1}}};
  };
  auto move = [&](const std::string& title, const std::string& stage, int hour) {
    clock_->Set(at(hour));
    sv1::UpdateOpportunityRequest request;
    request.mutable_opportunity()->set_id(model[title].id);
    request.mutable_opportunity()->set_stage_code(stage);
    request.mutable_update_mask()->add_paths("stage_code");
    sv1::Opportunity updated;
    const grpc::Status status =
        sales_->UpdateOpportunity(AuthContext(org_->sales_a).get(), request, &updated);
    ASSERT_TRUE(status.ok()) << status.error_message();
    std::get<2>(model[title].stays.back()) = hour;
    model[title].stays.push_back({stage, hour, -1});
    model[title].probability = updated.win_probability_percent();
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

// Read a streamed export whole: its bytes and the count its last message gave
// (-1 when no last message came).
struct Exported {
  grpc::Status status;
  std::string bytes;
  int64_t rows = -1;
};

Exported ReadExport(rv1::ReportingService::Stub& stub, const Session& as,
                    const rv1::ExportReportRequest& request) {
  Exported exported;
  auto context = AuthContext(as);
  auto reader = stub.ExportReport(context.get(), request);
  rv1::ExportChunk chunk;
  while (reader->Read(&chunk)) {
    exported.bytes += chunk.csv();
    if (chunk.last()) exported.rows = chunk.rows();
  }
  exported.status = reader->Finish();
  return exported;
}

// The lines of a CSV file without quoted line breaks.
std::vector<std::string> Lines(const std::string& csv) {
  std::vector<std::string> lines = absl::StrSplit(csv, "\r\n", absl::SkipEmpty());
  return lines;
}

TEST_F(ReportsE2eTest, ExportsArriveWholeCountedAndSafeForSpreadsheets) {
  const sv1::Product part = Product("导出件", 9'999, 5'000, 13);
  clock_->Set(At(2027, 5, 6, 9));
  const cv1::Customer risky =
      Customer(org_->sales_a, "=HYPERLINK(\"http://x\")", "east", cv1::CUSTOMER_GRADE_EFFECTIVE);
  const cv1::Customer plain =
      Customer(org_->sales_a, "导出客户", "east", cv1::CUSTOMER_GRADE_POTENTIAL);
  std::vector<sv1::Order> orders;
  for (int i = 0; i < 3; ++i) {
    orders.push_back(Order(org_->sales_a, At(2027, 5, 6 + i, 10), i == 0 ? risky.id() : plain.id(),
                           {{part.id(), 1'000 * (i + 1), 0}}));
  }
  rv1::ExportReportRequest request;
  request.mutable_list()->set_list(rv1::ORDERS);
  *request.mutable_list()->mutable_period() = PeriodOf("2027-05-01", "2027-05-31");
  Exported utf8;
  ASSERT_TRUE(testing::Eventually(
      [&] {
        utf8 = ReadExport(*reports_, org_->sales_a, request);
        return utf8.status.ok() && utf8.rows == 3;
      },
      std::chrono::seconds(20)))
      << utf8.status.error_message() << " rows " << utf8.rows;
  // Again once every feed is in (the customers' names come from their own).
  ASSERT_TRUE(testing::Eventually([&] { return ReadModelCaughtUp(); }, std::chrono::seconds(20)));
  utf8 = ReadExport(*reports_, org_->sales_a, request);
  ASSERT_TRUE(utf8.status.ok()) << utf8.status.error_message();
  ASSERT_EQ(utf8.bytes.substr(0, 3), "\xEF\xBB\xBF");  // the byte-order mark
  const std::vector<std::string> lines = Lines(utf8.bytes.substr(3));
  ASSERT_EQ(lines.size(), 4u);  // the header and the three orders, by id
  EXPECT_EQ(lines[0], "订单ID,订单日期,客户ID,客户名称,状态,金额(元),负责人");
  // The formula is text: an apostrophe first, quoted as CSV needs.
  EXPECT_EQ(lines[1], absl::StrFormat(
                          "%d,2027-05-06,%d,\"'=HYPERLINK(\"\"http://x\"\")\",CONFIRMED,"
                          "%d.%02d,李雷",
                          orders[0].id(), risky.id(), orders[0].total_amount().minor_units() / 100,
                          orders[0].total_amount().minor_units() % 100));
  EXPECT_EQ(lines[3].substr(0, lines[3].find(',')), std::to_string(orders[2].id()));

  // GB18030 on request: the same text in that encoding, no byte-order mark.
  request.set_encoding(rv1::GB18030);
  const Exported gb = ReadExport(*reports_, org_->sales_a, request);
  ASSERT_TRUE(gb.status.ok()) << gb.status.error_message();
  EXPECT_EQ(gb.rows, 3);
  iconv_t cd = iconv_open("UTF-8", "GB18030");
  ASSERT_NE(cd, reinterpret_cast<iconv_t>(-1));
  std::string decoded(gb.bytes.size() * 3, '\0');
  char* in = const_cast<char*>(gb.bytes.data());
  size_t in_left = gb.bytes.size();
  char* out = decoded.data();
  size_t out_left = decoded.size();
  ASSERT_NE(iconv(cd, &in, &in_left, &out, &out_left), static_cast<size_t>(-1));
  iconv_close(cd);
  decoded.resize(decoded.size() - out_left);
  EXPECT_EQ(decoded, utf8.bytes.substr(3));
  EXPECT_NE(gb.bytes, utf8.bytes.substr(3));  // it really is another encoding

  // Another sales person's export of the same month has no row, and says so.
  request.set_encoding(rv1::UTF8_WITH_BOM);
  const Exported theirs = ReadExport(*reports_, org_->sales_b, request);
  ASSERT_TRUE(theirs.status.ok()) << theirs.status.error_message();
  EXPECT_EQ(theirs.rows, 0);
  EXPECT_EQ(Lines(theirs.bytes.substr(3)).size(), 1u);

  // A report: the product sales of the month, one row per product.
  rv1::ExportReportRequest report;
  *report.mutable_product_sales()->mutable_period() = PeriodOf("2027-05-01", "2027-05-31");
  const Exported products = ReadExport(*reports_, org_->sales_a, report);
  ASSERT_TRUE(products.status.ok()) << products.status.error_message();
  EXPECT_EQ(products.rows, 1);
  EXPECT_NE(products.bytes.find("导出件,6.000,3,"), std::string::npos) << products.bytes;

  // A bad request is refused before any byte, its field named.
  rv1::ExportReportRequest bad;
  bad.mutable_sales_report()->mutable_period()->set_start_date("2027-13-01");
  const Exported refused = ReadExport(*reports_, org_->sales_a, bad);
  EXPECT_EQ(refused.status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_NE(refused.status.error_message().find("sales_report.period.start_date"),
            std::string::npos)
      << refused.status.error_message();
  EXPECT_TRUE(refused.bytes.empty());
  const Exported nothing = ReadExport(*reports_, org_->sales_a, {});
  EXPECT_EQ(nothing.status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
}

TEST_F(ReportsE2eTest, ServiceSatisfactionSlaAndTheDashboardAsOfNow) {
  auto feedback = fv1::FeedbackService::NewStub(*gateway_);
  clock_->Set(At(2027, 6, 7, 10));  // a Monday
  const cv1::Customer customer =
      Customer(org_->sales_a, "服务客户", "east", cv1::CUSTOMER_GRADE_EFFECTIVE);
  const sv1::Product part = Product("服务件", 5'000, 2'000, 13);
  const sv1::Order sold =
      Order(org_->sales_a, At(2027, 6, 7, 10, 30), customer.id(), {{part.id(), 2'000, 0}});
  clock_->Set(At(2027, 6, 7, 11));

  // Requests run as the administrator, each handled by a sales person who
  // then records the customer's score; the last stays open.
  struct Made {
    fv1::ServiceRequest request;
    int64_t handler = 0;
  };
  std::vector<Made> made;
  auto make = [&](fv1::RequestType type, fv1::Priority priority, int64_t handler,
                  int satisfaction) {
    fv1::CreateServiceRequestRequest create;
    create.mutable_service_request()->set_type(type);
    create.mutable_service_request()->set_priority(priority);
    create.mutable_service_request()->set_customer_id(customer.id());
    create.mutable_service_request()->set_subject("设备报修");
    fv1::ServiceRequest r;
    grpc::Status status =
        feedback->CreateServiceRequest(AuthContext(org_->admin).get(), create, &r);
    ASSERT_TRUE(status.ok()) << status.error_message();
    if (handler != 0) {
      fv1::AssignServiceRequestRequest assign;
      assign.set_id(r.id());
      assign.set_handler_employee_id(handler);
      status = feedback->AssignServiceRequest(AuthContext(org_->admin).get(), assign, &r);
      ASSERT_TRUE(status.ok()) << status.error_message();
      fv1::ServiceRequestStepRequest step;
      step.set_id(r.id());
      status = feedback->StartServiceRequest(AuthContext(org_->admin).get(), step, &r);
      ASSERT_TRUE(status.ok()) << status.error_message();
      step.set_note("已处理");
      status = feedback->ResolveServiceRequest(AuthContext(org_->admin).get(), step, &r);
      ASSERT_TRUE(status.ok()) << status.error_message();
      fv1::RecordCustomerFeedbackRequest score;
      score.set_id(r.id());
      score.set_satisfaction(satisfaction);
      status = feedback->RecordCustomerFeedback(AuthContext(org_->admin).get(), score, &r);
      ASSERT_TRUE(status.ok()) << status.error_message();
    }
    made.push_back({r, handler});
  };
  make(fv1::REPAIR, fv1::NORMAL, org_->sales_a_employee, 5);
  make(fv1::SUGGESTION, fv1::HIGH, org_->sales_b_employee, 2);
  make(fv1::CONSULTATION, fv1::LOW, org_->sales_a_employee, 4);
  make(fv1::REPAIR, fv1::URGENT, 0, 0);
  ASSERT_EQ(made.size(), 4u);
  const fv1::SlaClock open_clock = made.back().request.resolution_clock();
  ASSERT_TRUE(open_clock.has_due_time() && open_clock.has_at_risk_time());

  // Composition and satisfaction as this test computes them.
  std::map<std::pair<std::string, std::string>, int64_t> composition;
  std::map<std::string, std::pair<int64_t, int64_t>> by_handler;  // responses, score sum
  for (const Made& m : made) {
    ++composition[{fv1::RequestType_Name(m.request.type()),
                   fv1::RequestStatus_Name(m.request.status())}];
    if (m.request.satisfaction() > 0) {
      auto& [responses, scores] = by_handler[std::to_string(m.handler)];
      ++responses;
      scores += m.request.satisfaction();
    }
  }
  const rv1::Period day = PeriodOf("2027-06-07", "2027-06-07");
  rv1::GetServiceReportRequest service_request;
  *service_request.mutable_period() = day;
  rv1::ServiceReport service;
  ASSERT_TRUE(testing::Eventually(
      [&] {
        service.Clear();
        return reports_->GetServiceReport(AuthContext(org_->admin).get(), service_request, &service)
                   .ok() &&
               service.requests() == 4 && service.composition_size() == composition.size();
      },
      std::chrono::seconds(20)))
      << service.ShortDebugString();
  for (const rv1::ServiceCompositionRow& row : service.composition()) {
    EXPECT_EQ(row.requests(), (composition[{row.type(), row.status()}])) << row.type();
  }
  rv1::GetSatisfactionReportRequest satisfaction_request;
  *satisfaction_request.mutable_period() = day;
  satisfaction_request.set_bucket(rv1::DAY);
  satisfaction_request.set_grouping(rv1::BY_HANDLER);
  rv1::SatisfactionReport satisfaction;
  ASSERT_TRUE(reports_
                  ->GetSatisfactionReport(AuthContext(org_->admin).get(), satisfaction_request,
                                          &satisfaction)
                  .ok());
  ASSERT_EQ(satisfaction.rows_size(), 2);
  for (const rv1::SatisfactionRow& row : satisfaction.rows()) {
    const auto& [responses, scores] = by_handler[row.group_key()];
    EXPECT_EQ(row.bucket(), "2027-06-07");
    EXPECT_EQ(row.responses(), responses);
    EXPECT_EQ(row.average_centi(), (scores * 200 + responses) / (2 * responses));
  }
  EXPECT_EQ(satisfaction.responses(), 3);
  EXPECT_EQ(satisfaction.average_centi(), 367);  // 11 / 3 = 3.666…

  // The open request's clock, as of the reporting service's now: on time,
  // at risk from the time the feedback service named, breached at its due.
  auto sla_of_urgent = [&](const std::function<bool(const rv1::SlaRow&)>& expect) {
    return testing::Eventually(
        [&] {
          rv1::ServiceReport report;
          if (!reports_->GetServiceReport(AuthContext(org_->admin).get(), service_request, &report)
                   .ok()) {
            return false;
          }
          for (const rv1::SlaRow& row : report.sla()) {
            if (row.priority() == "URGENT") return expect(row);
          }
          return false;
        },
        std::chrono::seconds(20));
  };
  auto dashboard = [&] {
    rv1::GetDashboardRequest request;
    *request.mutable_period() = day;
    rv1::Dashboard board;
    EXPECT_TRUE(reports_->GetDashboard(AuthContext(org_->admin).get(), request, &board).ok());
    return board;
  };
  // Every feed applied (the order above came through the sales feed).
  ASSERT_TRUE(testing::Eventually([&] { return ReadModelCaughtUp(); }, std::chrono::seconds(20)));
  EXPECT_TRUE(sla_of_urgent(
      [](const rv1::SlaRow& row) { return row.at_risk() == 0 && row.breached() == 0; }));
  clock_->Set(FromTimestamp(open_clock.at_risk_time()) + absl::Seconds(1));
  EXPECT_TRUE(sla_of_urgent(
      [](const rv1::SlaRow& row) { return row.at_risk() == 1 && row.breached() == 0; }));
  EXPECT_EQ(dashboard().requests_at_risk(), 1);
  clock_->Set(FromTimestamp(open_clock.due_time()) + absl::Seconds(1));
  EXPECT_TRUE(sla_of_urgent(
      [](const rv1::SlaRow& row) { return row.at_risk() == 0 && row.breached() == 1; }));
  const rv1::Dashboard board = dashboard();
  EXPECT_EQ(board.sla_breaches(), 1);
  EXPECT_EQ(board.open_requests(), 1);
  EXPECT_EQ(board.orders(), 1);
  EXPECT_EQ(board.sales().minor_units(), sold.total_amount().minor_units());
  EXPECT_EQ(board.new_customers(), 1);
  EXPECT_EQ(board.customers(), static_cast<int64_t>(created_customers_.size()));
  for (const rv1::SlaRow& row : service.sla()) {
    if (row.priority() != "URGENT") EXPECT_EQ(row.resolved_within_target(), 1) << row.priority();
  }
}

TEST_F(ReportsE2eTest, ChurnListsTheQuietAndEvaluationCountsEachPersonsWork) {
  const sv1::Product part = Product("流失件", 8'888, 4'000, 13);
  clock_->Set(At(2027, 7, 1, 9));
  const cv1::Customer q1 = Customer(org_->sales_a, "沉默甲", "east", cv1::CUSTOMER_GRADE_EFFECTIVE);
  const cv1::Customer q2 = Customer(org_->sales_a, "沉默乙", "east", cv1::CUSTOMER_GRADE_EFFECTIVE);
  const cv1::Customer q3 =
      Customer(org_->sales_b, "沉默丙", "south", cv1::CUSTOMER_GRADE_EFFECTIVE);
  const cv1::Customer busy =
      Customer(org_->sales_a, "活跃丁", "east", cv1::CUSTOMER_GRADE_EFFECTIVE);
  auto contact = [&](const Session& as, int64_t customer, absl::Time when) {
    clock_->Set(when);
    sv1::CreateContactRecordRequest request;
    request.mutable_record()->set_customer_id(customer);
    request.mutable_record()->set_method(sv1::PHONE);
    request.mutable_record()->set_subject("回访");
    sv1::ContactRecord record;
    const grpc::Status status =
        sales_->CreateContactRecord(AuthContext(as).get(), request, &record);
    EXPECT_TRUE(status.ok()) << status.error_message();
  };
  contact(org_->sales_a, q1.id(), At(2027, 7, 1, 10));
  const sv1::Order a_order =
      Order(org_->sales_a, At(2027, 7, 2, 10), q2.id(), {{part.id(), 1'000, 0}});
  const sv1::Order b_order =
      Order(org_->sales_b, At(2027, 7, 3, 10), q3.id(), {{part.id(), 3'000, 0}});
  contact(org_->sales_b, q3.id(), At(2027, 7, 5, 10));
  contact(org_->sales_a, busy.id(), At(2027, 9, 1, 10));
  clock_->Set(At(2027, 10, 10, 9));

  // Quiet for more than 90 days on 10 October: last active before 12 July.
  const absl::CivilDay today(2027, 10, 10);
  const std::vector<std::tuple<int64_t, std::string, std::string, absl::CivilDay>> quiet = {
      {q1.id(), "", "2027-07-01", absl::CivilDay(2027, 7, 1)},
      {q2.id(), "2027-07-02", "", absl::CivilDay(2027, 7, 2)},
      {q3.id(), "2027-07-03", "2027-07-05", absl::CivilDay(2027, 7, 5)}};
  std::vector<rv1::ChurnRow> ours;
  ASSERT_TRUE(testing::Eventually(
      [&] {
        ours.clear();
        std::string token;
        bool busy_listed = false;
        do {
          rv1::GetChurnListRequest request;
          request.set_quiet_days(90);
          request.set_page_size(2);
          request.set_page_token(token);
          rv1::ChurnList page;
          if (!reports_->GetChurnList(AuthContext(org_->admin).get(), request, &page).ok()) {
            return false;
          }
          for (const rv1::ChurnRow& row : page.rows()) {
            if (row.customer_id() == busy.id()) busy_listed = true;
            for (const auto& entry : quiet) {
              if (std::get<0>(entry) == row.customer_id()) ours.push_back(row);
            }
          }
          token = page.next_page_token();
        } while (!token.empty());
        return !busy_listed && ours.size() == quiet.size();
      },
      std::chrono::seconds(20)));
  for (size_t i = 0; i < quiet.size(); ++i) {
    const auto& [id, last_order, last_contact, last] = quiet[i];
    EXPECT_EQ(ours[i].customer_id(), id);  // the longest quiet first
    EXPECT_EQ(ours[i].last_order_date(), last_order);
    EXPECT_EQ(ours[i].last_contact_date(), last_contact);
    EXPECT_EQ(ours[i].last_activity_date(), FormatDay(last));
    EXPECT_EQ(ours[i].quiet_days(), today - last);
  }
  EXPECT_EQ(ours[0].owner_name(), "李雷");
  // A sales person's list has only their own customers.
  rv1::GetChurnListRequest own;
  own.set_quiet_days(90);
  own.set_page_size(1000);
  rv1::ChurnList theirs;
  ASSERT_TRUE(reports_->GetChurnList(AuthContext(org_->sales_b).get(), own, &theirs).ok());
  for (const rv1::ChurnRow& row : theirs.rows()) {
    EXPECT_EQ(row.owner_employee_id(), org_->sales_b_employee) << row.customer_name();
  }

  // July as each person worked it, under the head of the sales centre.
  ASSERT_TRUE(testing::Eventually([&] { return ReadModelCaughtUp(); }, std::chrono::seconds(20)));
  rv1::GetSalesPersonEvaluationRequest request;
  *request.mutable_period() = PeriodOf("2027-07-01", "2027-07-31");
  rv1::SalesPersonEvaluation evaluation;
  ASSERT_TRUE(
      reports_->GetSalesPersonEvaluation(AuthContext(org_->head_centre).get(), request, &evaluation)
          .ok());
  std::map<int64_t, rv1::SalesPersonRow> by_person;
  for (const rv1::SalesPersonRow& row : evaluation.rows()) by_person[row.employee_id()] = row;
  ASSERT_EQ(by_person.size(), 2u);
  const rv1::SalesPersonRow& a = by_person[org_->sales_a_employee];
  EXPECT_EQ(a.name(), "李雷");
  EXPECT_EQ(a.orders(), 1);
  EXPECT_EQ(a.amount().minor_units(), a_order.total_amount().minor_units());
  EXPECT_EQ(a.new_customers(), 3);    // q1, q2 and busy
  EXPECT_EQ(a.contact_records(), 1);  // busy's came in September
  const rv1::SalesPersonRow& b = by_person[org_->sales_b_employee];
  EXPECT_EQ(b.orders(), 1);
  EXPECT_EQ(b.amount().minor_units(), b_order.total_amount().minor_units());
  EXPECT_EQ(b.new_customers(), 1);
  EXPECT_EQ(b.contact_records(), 1);
  EXPECT_EQ(evaluation.rows(0).employee_id(), org_->sales_b_employee);  // the larger amount
}

TEST_F(ReportsE2eTest, OneReminderFeedMergesWhatIsDueAcrossTheCrm) {
  auto feedback = fv1::FeedbackService::NewStub(*gateway_);
  const sv1::Product part = Product("提醒件", 6'000, 3'000, 13);
  clock_->Set(At(2027, 8, 2, 9));  // a Monday
  const cv1::Customer customer =
      Customer(org_->sales_a, "提醒客户", "east", cv1::CUSTOMER_GRADE_EFFECTIVE);
  // A contact's birthday (customer), a next step, an expected close date and
  // a promised delivery (sales), and an urgent request the sales person
  // handles (feedback, through the read model).
  cv1::CreateContactRequest contact_request;
  contact_request.mutable_contact()->set_customer_id(customer.id());
  contact_request.mutable_contact()->set_name("张三");
  contact_request.mutable_contact()->set_birthday("08-12");
  cv1::Contact contact;
  grpc::Status status =
      customers_->CreateContact(AuthContext(org_->sales_a).get(), contact_request, &contact);
  ASSERT_TRUE(status.ok()) << status.error_message();
  sv1::CreateContactRecordRequest record_request;
  record_request.mutable_record()->set_customer_id(customer.id());
  record_request.mutable_record()->set_method(sv1::VISIT);
  record_request.mutable_record()->set_subject("拜访");
  record_request.mutable_record()->set_next_step("寄送样品");
  record_request.mutable_record()->set_reminder_date("2027-08-05");
  sv1::ContactRecord record;
  status = sales_->CreateContactRecord(AuthContext(org_->sales_a).get(), record_request, &record);
  ASSERT_TRUE(status.ok()) << status.error_message();
  sv1::CreateOpportunityRequest opportunity_request;
  opportunity_request.mutable_opportunity()->set_customer_id(customer.id());
  opportunity_request.mutable_opportunity()->set_title("年度框架");
  opportunity_request.mutable_opportunity()->set_stage_code("lead");
  opportunity_request.mutable_opportunity()->mutable_amount()->set_minor_units(1'000'000);
  opportunity_request.mutable_opportunity()->set_expected_close_date("2027-08-20");
  sv1::Opportunity opportunity;
  status = sales_->CreateOpportunity(AuthContext(org_->sales_a).get(), opportunity_request,
                                     &opportunity);
  ASSERT_TRUE(status.ok()) << status.error_message();
  sv1::CreateOrderRequest order_request;
  order_request.mutable_order()->set_customer_id(customer.id());
  order_request.mutable_order()->set_delivery_date("2027-08-10");
  sv1::OrderLine* line = order_request.mutable_order()->add_lines();
  line->set_product_id(part.id());
  line->set_quantity_milli(1'000);
  sv1::Order order;
  status = sales_->CreateOrder(AuthContext(org_->sales_a).get(), order_request, &order);
  ASSERT_TRUE(status.ok()) << status.error_message();
  sv1::ConfirmOrderRequest confirm;
  confirm.set_id(order.id());
  status = sales_->ConfirmOrder(AuthContext(org_->sales_a).get(), confirm, &order);
  ASSERT_TRUE(status.ok()) << status.error_message();
  fv1::CreateServiceRequestRequest create;
  create.mutable_service_request()->set_type(fv1::REPAIR);
  create.mutable_service_request()->set_priority(fv1::URGENT);
  create.mutable_service_request()->set_customer_id(customer.id());
  create.mutable_service_request()->set_subject("设备停机");
  fv1::ServiceRequest request;
  status = feedback->CreateServiceRequest(AuthContext(org_->admin).get(), create, &request);
  ASSERT_TRUE(status.ok()) << status.error_message();
  fv1::AssignServiceRequestRequest assign;
  assign.set_id(request.id());
  assign.set_handler_employee_id(org_->sales_a_employee);
  status = feedback->AssignServiceRequest(AuthContext(org_->admin).get(), assign, &request);
  ASSERT_TRUE(status.ok()) << status.error_message();
  const absl::CivilDay at_risk_day =
      absl::ToCivilDay(FromTimestamp(request.resolution_clock().at_risk_time()), Shanghai());

  // What this test made, as the feed must show it: by date, then kind.
  using K = rv1::MyReminder;
  std::vector<std::tuple<std::string, K::Kind, int64_t, std::string>> expected = {
      {"2027-08-05", K::NEXT_STEP, record.id(), "寄送样品"},
      {"2027-08-10", K::DELIVERY, order.id(), order.number()},
      {"2027-08-12", K::BIRTHDAY, contact.id(), "张三"},
      {"2027-08-20", K::EXPECTED_CLOSE, opportunity.id(), "年度框架"},
      {FormatDay(std::max(at_risk_day, absl::CivilDay(2027, 8, 2))), K::REQUEST_AT_RISK,
       request.id(), "设备停机"}};
  std::sort(expected.begin(), expected.end(), [](const auto& a, const auto& b) {
    return std::make_tuple(std::get<0>(a), static_cast<int>(std::get<1>(a)), std::get<2>(a)) <
           std::make_tuple(std::get<0>(b), static_cast<int>(std::get<1>(b)), std::get<2>(b));
  });
  rv1::ListMyRemindersRequest range;
  range.set_from_date("2027-08-01");
  range.set_to_date("2027-08-31");
  rv1::ListMyRemindersResponse mine;
  std::vector<std::tuple<std::string, K::Kind, int64_t, std::string>> seen;
  ASSERT_TRUE(testing::Eventually(
      [&] {
        mine.Clear();
        if (!reports_->ListMyReminders(AuthContext(org_->sales_a).get(), range, &mine).ok()) {
          return false;
        }
        seen.clear();
        for (const K& r : mine.reminders()) {
          seen.emplace_back(r.date(), r.kind(), r.record_id(), r.text());
        }
        return seen == expected;
      },
      std::chrono::seconds(20)))
      << mine.ShortDebugString();
  EXPECT_EQ(mine.unavailable_sources_size(), 0);
  for (const K& r : mine.reminders()) EXPECT_EQ(r.customer_id(), customer.id());

  // Someone else's feed has none of it; a range past 92 days is refused.
  rv1::ListMyRemindersResponse theirs;
  ASSERT_TRUE(reports_->ListMyReminders(AuthContext(org_->sales_b).get(), range, &theirs).ok());
  EXPECT_EQ(theirs.reminders_size(), 0);
  range.set_to_date("2027-11-30");
  status = reports_->ListMyReminders(AuthContext(org_->sales_a).get(), range, &theirs);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_NE(status.error_message().find("to_date"), std::string::npos);
}

// Last: it stops, kills and rebuilds the read model.
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
    std::vector<std::string> reports;
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
    return {by_owner->SerializeAsString(),   by_department->SerializeAsString(),
            abc->SerializeAsString(),        products.SerializeAsString(),
            composition.SerializeAsString(), funnel.SerializeAsString(),
            evaluation.SerializeAsString(),  churn.SerializeAsString()};
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

}  // namespace
}  // namespace crm
