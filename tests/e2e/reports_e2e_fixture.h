// The fixture of the reports' end-to-end tests (reports_*_e2e.cc, one
// binary, one stack): orders, customers, opportunities and requests made
// through the gateway on a business clock the test sets (the processes in
// the machine's zone, UTC here; the company's is Asia/Shanghai), read back
// from the reporting service's read model and checked against figures the
// tests compute from what the source services answered.
#pragma once

#include <gtest/gtest.h>

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

namespace crm::reports_e2e {

namespace cv1 = customer::v1;
namespace fv1 = feedback::v1;
namespace rv1 = reporting::v1;
namespace sv1 = sales::v1;
using testing::AuthContext;
using testing::Session;

inline absl::TimeZone Shanghai() {
  absl::TimeZone zone;
  absl::LoadTimeZone("Asia/Shanghai", &zone);
  return zone;
}

inline absl::Time At(int year, int month, int day, int hour, int minute = 0) {
  return absl::FromCivil(absl::CivilMinute(year, month, day, hour, minute), Shanghai());
}

// The ISO week of `day` as reports.proto labels it, computed here from the
// definition (the week's Thursday decides its year).
inline std::string IsoWeek(absl::CivilDay day) {
  const int weekday = static_cast<int>(absl::GetWeekday(day));  // Monday 0 … Sunday 6
  const absl::CivilDay thursday = day - weekday + 3;
  const absl::CivilDay first(thursday.year(), 1, 1);
  return absl::StrFormat("%04d-W%02d", thursday.year(), (thursday - first) / 7 + 1);
}

inline rv1::Period PeriodOf(const std::string& start, const std::string& end) {
  rv1::Period period;
  period.set_start_date(start);
  period.set_end_date(end);
  return period;
}

// Read a streamed export whole: its bytes and the count its last message gave
// (-1 when no last message came).
struct Exported {
  grpc::Status status;
  std::string bytes;
  int64_t rows = -1;
};

inline Exported ReadExport(rv1::ReportingService::Stub& stub, const Session& as,
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
inline std::vector<std::string> Lines(const std::string& csv) {
  std::vector<std::string> lines = absl::StrSplit(csv, "\r\n", absl::SkipEmpty());
  return lines;
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
inline std::string Differences(const std::vector<std::string>& before,
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
    if (!reports_->GetFeedStatus(AuthContext(org_->admin).get(), {}, &feeds).ok() ||
        feeds.rollups_pending()) {
      return false;
    }
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

}  // namespace crm::reports_e2e
