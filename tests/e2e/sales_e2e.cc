// The sales service end to end, through the gateway, with the customer and
// org services it asks: stock never sold twice by concurrent clients, order
// totals against an independent computation, the status machine, the
// customer check under the caller's visibility, and the customer service
// going away mid-flight.
#include <grpcpp/create_channel.h>
#include <gtest/gtest.h>

#include <atomic>
#include <cstdint>
#include <random>
#include <thread>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "crm/customer/v1/customer_service.grpc.pb.h"
#include "crm/sales/v1/sales_service.grpc.pb.h"
#include "google/rpc/error_details.pb.h"
#include "google/rpc/status.pb.h"
#include "tests/sales/pricing_reference.h"
#include "tests/support/clients.h"
#include "tests/support/sales_org.h"
#include "tests/support/session.h"
#include "tests/support/stack.h"
#include "tests/support/waiting.h"

namespace crm {
namespace {

namespace v1 = sales::v1;
using testing::AuthContext;
using testing::Session;

// A channel of its own (not sharing a connection with other channels to the
// same address), as a separate client would have.
std::shared_ptr<grpc::Channel> SeparateClient(const std::string& address) {
  grpc::ChannelArguments args;
  args.SetInt(GRPC_ARG_USE_LOCAL_SUBCHANNEL_POOL, 1);
  return grpc::CreateCustomChannel(address, grpc::InsecureChannelCredentials(), args);
}

class SalesE2eTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    stack_ = new testing::Stack();
    stack_->Start();
    gateway_ = new std::shared_ptr<grpc::Channel>(testing::Connect(stack_->gateway_address()));
    org_ = new testing::SalesOrg(testing::SalesOrg::Build(*gateway_));
    customer_a_ = testing::CreateCustomerAs(*gateway_, org_->sales_a, "华东电气有限公司");
    customer_b_ = testing::CreateCustomerAs(*gateway_, org_->sales_b, "华南机电有限公司");
  }
  static void TearDownTestSuite() {
    delete stack_;
    stack_ = nullptr;
  }

  void SetUp() override { stub_ = v1::SalesService::NewStub(*gateway_); }

  v1::Product MustCreateProduct(const std::string& name, int64_t price_fen, int32_t vat,
                                int64_t stock_milli) {
    v1::CreateProductRequest request;
    request.mutable_product()->set_name(name);
    request.mutable_product()->set_unit("台");
    request.mutable_product()->mutable_list_price()->set_minor_units(price_fen);
    request.mutable_product()->mutable_cost_price()->set_minor_units(price_fen / 2);
    request.mutable_product()->set_vat_rate_percent(vat);
    v1::Product product;
    grpc::Status status = stub_->CreateProduct(AuthContext(org_->admin).get(), request, &product);
    EXPECT_TRUE(status.ok()) << status.error_message();
    if (stock_milli > 0) {
      v1::RecordStockMovementRequest receipt;
      receipt.mutable_movement()->set_product_id(product.id());
      receipt.mutable_movement()->set_kind(v1::RECEIPT);
      receipt.mutable_movement()->set_quantity_milli(stock_milli);
      receipt.mutable_movement()->set_reason("期初入库");
      v1::StockMovement movement;
      status = stub_->RecordStockMovement(AuthContext(org_->admin).get(), receipt, &movement);
      EXPECT_TRUE(status.ok()) << status.error_message();
    }
    return product;
  }

  static v1::Order OrderOf(int64_t customer_id,
                           const std::vector<std::pair<int64_t, int64_t>>& product_quantities) {
    v1::Order order;
    order.set_customer_id(customer_id);
    for (const auto& [product_id, quantity] : product_quantities) {
      v1::OrderLine& line = *order.add_lines();
      line.set_product_id(product_id);
      line.set_quantity_milli(quantity);
    }
    return order;
  }

  grpc::Status CreateOrder(const Session& as, const v1::Order& order, v1::Order* created,
                           const std::string& request_id = "") {
    v1::CreateOrderRequest request;
    *request.mutable_order() = order;
    request.set_request_id(request_id);
    return stub_->CreateOrder(AuthContext(as).get(), request, created);
  }

  v1::Order MustCreateOrder(const Session& as, const v1::Order& order) {
    v1::Order created;
    const grpc::Status status = CreateOrder(as, order, &created);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return created;
  }

  v1::Inventory InventoryOf(int64_t product_id) {
    v1::GetInventoryRequest request;
    request.set_product_id(product_id);
    v1::Inventory inventory;
    const grpc::Status status =
        stub_->GetInventory(AuthContext(org_->admin).get(), request, &inventory);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return inventory;
  }

  // The sum of every movement of the product's ledger, read page by page.
  int64_t LedgerSum(int64_t product_id) {
    v1::ListStockMovementsRequest request;
    request.set_product_id(product_id);
    request.set_page_size(7);
    int64_t sum = 0;
    for (int pages = 0; pages < 1000; ++pages) {
      v1::ListStockMovementsResponse response;
      const grpc::Status status =
          stub_->ListStockMovements(AuthContext(org_->admin).get(), request, &response);
      EXPECT_TRUE(status.ok()) << status.error_message();
      for (const v1::StockMovement& m : response.movements()) sum += m.quantity_milli();
      if (!status.ok() || response.next_page_token().empty()) break;
      request.set_page_token(response.next_page_token());
    }
    return sum;
  }

  int64_t OrderCount() {
    v1::ListOrdersRequest request;
    request.set_page_size(1);
    v1::ListOrdersResponse response;
    const grpc::Status status =
        stub_->ListOrders(AuthContext(org_->admin).get(), request, &response);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return response.total_size();
  }

  static testing::Stack* stack_;
  static std::shared_ptr<grpc::Channel>* gateway_;
  static testing::SalesOrg* org_;
  static int64_t customer_a_, customer_b_;
  std::unique_ptr<v1::SalesService::Stub> stub_;
};

testing::Stack* SalesE2eTest::stack_ = nullptr;
std::shared_ptr<grpc::Channel>* SalesE2eTest::gateway_ = nullptr;
testing::SalesOrg* SalesE2eTest::org_ = nullptr;
int64_t SalesE2eTest::customer_a_ = 0;
int64_t SalesE2eTest::customer_b_ = 0;

TEST_F(SalesE2eTest, TwoClientsConfirmingFiftyOrdersEachSellExactlyTheTenInStock) {
  const v1::Product hot = MustCreateProduct("爆款断路器", 19900, 13, 10'000);
  std::vector<int64_t> orders;
  for (int i = 0; i < 100; ++i) {
    orders.push_back(
        MustCreateOrder(org_->sales_a, OrderOf(customer_a_, {{hot.id(), 1'000}})).id());
  }
  std::atomic<int> confirmed{0}, refused{0};
  testing::Barrier start(100);
  std::vector<std::thread> callers;
  for (int client = 0; client < 2; ++client) {
    auto stub = v1::SalesService::NewStub(SeparateClient(stack_->gateway_address()));
    std::shared_ptr<v1::SalesService::Stub> shared(std::move(stub));
    for (int i = 0; i < 50; ++i) {
      const int64_t id = orders[client * 50 + i];
      callers.emplace_back([&, shared, id] {
        v1::ConfirmOrderRequest request;
        request.set_id(id);
        v1::Order order;
        start.ArriveAndWait();
        const grpc::Status status = shared->ConfirmOrder(
            AuthContext(org_->sales_a, std::chrono::seconds(60)).get(), request, &order);
        if (status.ok()) {
          ++confirmed;
        } else {
          EXPECT_EQ(status.error_code(), grpc::StatusCode::FAILED_PRECONDITION)
              << status.error_message();
          EXPECT_TRUE(absl::StrContains(status.error_message(), "爆款断路器"))
              << status.error_message();
          // A client acts on the rule and the product without reading prose.
          google::rpc::Status rich;
          google::rpc::PreconditionFailure failure;
          EXPECT_TRUE(rich.ParseFromString(status.error_details()));
          for (const auto& detail : rich.details()) detail.UnpackTo(&failure);
          ASSERT_EQ(failure.violations_size(), 1);
          EXPECT_EQ(failure.violations(0).type(), "INSUFFICIENT_STOCK");
          EXPECT_EQ(failure.violations(0).subject(), absl::StrCat("product/", hot.id()));
          ++refused;
        }
      });
    }
  }
  for (auto& t : callers) t.join();
  EXPECT_EQ(confirmed, 10);
  EXPECT_EQ(refused, 90);
  const v1::Inventory inventory = InventoryOf(hot.id());
  EXPECT_EQ(inventory.available_milli(), 0);
  EXPECT_EQ(inventory.reserved_milli(), 10'000);
  EXPECT_EQ(inventory.on_hand_milli(), LedgerSum(hot.id()));
}

TEST_F(SalesE2eTest, OrdersTakingProductsInOppositeOrderAllConfirm) {
  const v1::Product a = MustCreateProduct("甲型柜", 5000, 13, 1'000'000);
  const v1::Product b = MustCreateProduct("乙型柜", 7000, 9, 1'000'000);
  std::vector<int64_t> orders;
  for (int i = 0; i < 40; ++i) {
    orders.push_back(MustCreateOrder(org_->sales_a,
                                     i % 2
                                         ? OrderOf(customer_a_, {{a.id(), 1'000}, {b.id(), 2'000}})
                                         : OrderOf(customer_a_, {{b.id(), 2'000}, {a.id(), 1'000}}))
                         .id());
  }
  testing::Barrier start(40);
  std::vector<std::thread> callers;
  std::vector<std::shared_ptr<grpc::Channel>> clients = {SeparateClient(stack_->gateway_address()),
                                                         SeparateClient(stack_->gateway_address())};
  for (int i = 0; i < 40; ++i) {
    callers.emplace_back([&, i] {
      auto stub = v1::SalesService::NewStub(clients[i % 2]);
      v1::ConfirmOrderRequest request;
      request.set_id(orders[i]);
      v1::Order order;
      start.ArriveAndWait();
      const grpc::Status status = stub->ConfirmOrder(
          AuthContext(org_->sales_a, std::chrono::seconds(60)).get(), request, &order);
      EXPECT_TRUE(status.ok()) << status.error_message();
    });
  }
  for (auto& t : callers) t.join();
  EXPECT_EQ(InventoryOf(a.id()).reserved_milli(), 40'000);
  EXPECT_EQ(InventoryOf(b.id()).reserved_milli(), 80'000);
}

TEST_F(SalesE2eTest, AThousandRandomOrdersAddUpToTheIndependentComputation) {
  const int32_t rates[] = {13, 9, 6, 3, 1, 0};
  std::vector<v1::Product> products;
  for (int32_t rate : rates) {
    products.push_back(MustCreateProduct(absl::StrCat("税率", rate, "%产品"), 10000, rate, 0));
  }
  std::mt19937_64 random(1205);
  for (int n = 0; n < 1000; ++n) {
    v1::Order order;
    order.set_customer_id(customer_a_);
    std::vector<sales::testing::ReferenceLine> reference;
    const int count = 1 + static_cast<int>(random() % 5);
    for (int i = 0; i < count; ++i) {
      const v1::Product& product = products[random() % products.size()];
      v1::OrderLine& line = *order.add_lines();
      line.set_product_id(product.id());
      line.mutable_unit_price()->set_minor_units(1 + static_cast<int64_t>(random() % 5'000'000));
      line.set_quantity_milli(1 + static_cast<int64_t>(random() % 20'000));
      line.set_discount_bp(random() % 2 ? 0 : static_cast<int32_t>(random() % 10001));
      reference.push_back({line.unit_price().minor_units(), line.quantity_milli(),
                           line.discount_bp(), product.vat_rate_percent()});
    }
    order.set_order_discount_bp(random() % 3 ? static_cast<int32_t>(random() % 10001) : 0);
    v1::Order created;
    const grpc::Status status = CreateOrder(org_->sales_a, order, &created);
    ASSERT_TRUE(status.ok()) << status.error_message();
    const sales::testing::ReferencePrice expected =
        sales::testing::ReferencePriceOrder(reference, order.order_discount_bp());
    ASSERT_EQ(created.total_amount().minor_units(), expected.total) << "order " << n;
    ASSERT_EQ(created.total_tax().minor_units(), expected.total_tax) << "order " << n;
    for (int i = 0; i < count; ++i) {
      ASSERT_EQ(created.lines(i).amount().minor_units(), expected.amount[i]) << n << "/" << i;
      ASSERT_EQ(created.lines(i).tax().minor_units(), expected.tax[i]) << n << "/" << i;
    }
  }
}

TEST_F(SalesE2eTest, TheNamedMoneyCases) {
  const v1::Product p = MustCreateProduct("标准件", 3333, 13, 0);
  struct Case {
    const char* name;
    int64_t price_fen, quantity_milli;
    int lines;
    int32_t line_discount_bp, order_discount_bp;
    int64_t total_fen;
  } cases[] = {
      {"three lines of 33.33 with 10% off the order", 3333, 1000, 3, 0, 1000, 8999},
      {"0.01 x 3 at 50% off", 1, 3000, 1, 5000, 0, 2},
      {"a 100% discount", 3333, 1000, 2, 0, 10000, 0},
      {"a quantity of 0.001", 9999, 1, 1, 0, 0, 10},
  };
  for (const Case& c : cases) {
    v1::Order order;
    order.set_customer_id(customer_a_);
    order.set_order_discount_bp(c.order_discount_bp);
    for (int i = 0; i < c.lines; ++i) {
      v1::OrderLine& line = *order.add_lines();
      line.set_product_id(p.id());
      line.mutable_unit_price()->set_minor_units(c.price_fen);
      line.set_quantity_milli(c.quantity_milli);
      line.set_discount_bp(c.line_discount_bp);
    }
    v1::Order created;
    const grpc::Status status = CreateOrder(org_->sales_a, order, &created);
    ASSERT_TRUE(status.ok()) << c.name << ": " << status.error_message();
    EXPECT_EQ(created.total_amount().minor_units(), c.total_fen) << c.name;
    int64_t sum = 0;
    for (const v1::OrderLine& line : created.lines()) sum += line.amount().minor_units();
    EXPECT_EQ(sum, c.total_fen) << c.name;
  }
}

TEST_F(SalesE2eTest, RefusedStepsChangeNothingAndACancelledOrdersStockComesBack) {
  const v1::Product p = MustCreateProduct("接触器", 1200, 13, 5'000);
  const v1::Order order = MustCreateOrder(org_->sales_a, OrderOf(customer_a_, {{p.id(), 3'000}}));
  v1::ConfirmOrderRequest confirm;
  confirm.set_id(order.id());
  v1::Order confirmed;
  ASSERT_TRUE(stub_->ConfirmOrder(AuthContext(org_->sales_a).get(), confirm, &confirmed).ok());
  EXPECT_EQ(InventoryOf(p.id()).available_milli(), 2'000);
  v1::Order again;
  grpc::Status status = stub_->ConfirmOrder(AuthContext(org_->sales_a).get(), confirm, &again);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  v1::GetOrderRequest get;
  get.set_id(order.id());
  v1::Order read;
  ASSERT_TRUE(stub_->GetOrder(AuthContext(org_->sales_a).get(), get, &read).ok());
  EXPECT_EQ(read.etag(), confirmed.etag());
  EXPECT_EQ(InventoryOf(p.id()).available_milli(), 2'000);

  v1::CancelOrderRequest cancel;
  cancel.set_id(order.id());
  cancel.set_reason("客户改单");
  v1::Order cancelled;
  status = stub_->CancelOrder(AuthContext(org_->sales_a).get(), cancel, &cancelled);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(cancelled.status(), v1::CANCELLED);
  EXPECT_EQ(InventoryOf(p.id()).available_milli(), 5'000);
  status = stub_->ConfirmOrder(AuthContext(org_->sales_a).get(), confirm, &again);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_EQ(InventoryOf(p.id()).available_milli(), 5'000);
}

TEST_F(SalesE2eTest, ACustomerOutOfTheCallersSightIsNotFoundAndNothingIsWritten) {
  const v1::Product p = MustCreateProduct("配电箱", 8800, 13, 0);
  const int64_t before = OrderCount();
  v1::Order created;
  // sales.a cannot see sales.b's customer; the head of the east team neither.
  grpc::Status status =
      CreateOrder(org_->sales_a, OrderOf(customer_b_, {{p.id(), 1'000}}), &created);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::NOT_FOUND) << status.error_message();
  status = CreateOrder(org_->head_east, OrderOf(customer_b_, {{p.id(), 1'000}}), &created);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::NOT_FOUND) << status.error_message();
  EXPECT_EQ(OrderCount(), before);
  // The head of the centre sees both teams' customers, and then the order.
  ASSERT_TRUE(
      CreateOrder(org_->head_centre, OrderOf(customer_b_, {{p.id(), 1'000}}), &created).ok());
  v1::GetOrderRequest get;
  get.set_id(created.id());
  v1::Order read;
  EXPECT_EQ(stub_->GetOrder(AuthContext(org_->sales_a).get(), get, &read).error_code(),
            grpc::StatusCode::NOT_FOUND);
  EXPECT_TRUE(stub_->GetOrder(AuthContext(org_->auditor).get(), get, &read).ok());
  // Read-only callers read, never write.
  status = CreateOrder(org_->auditor, OrderOf(customer_a_, {{p.id(), 1'000}}), &created);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::PERMISSION_DENIED);
}

TEST_F(SalesE2eTest, StageHistoryAndForecastMatchWhatWasDone) {
  // Close dates in a year no other test uses, so the forecast holds only these.
  struct Deal {
    const Session* owner;
    int64_t customer;
    int64_t amount_fen;
    const char* close;
    std::vector<std::string> stages;  // moved through after "lead"
  } deals[] = {{&org_->sales_a, customer_a_, 1'234'567, "2031-04-10", {"qualified", "proposal"}},
               {&org_->sales_a, customer_a_, 800'000, "2031-04-30", {}},
               {&org_->sales_b, customer_b_, 2'500'001, "2031-05-02", {"negotiation"}}};
  std::vector<int64_t> ids;
  for (const Deal& d : deals) {
    v1::CreateOpportunityRequest create;
    create.mutable_opportunity()->set_customer_id(d.customer);
    create.mutable_opportunity()->set_title("智能配电项目");
    create.mutable_opportunity()->set_stage_code("lead");
    create.mutable_opportunity()->mutable_amount()->set_minor_units(d.amount_fen);
    create.mutable_opportunity()->set_expected_close_date(d.close);
    v1::Opportunity o;
    grpc::Status status = stub_->CreateOpportunity(AuthContext(*d.owner).get(), create, &o);
    ASSERT_TRUE(status.ok()) << status.error_message();
    for (const std::string& stage : d.stages) {
      v1::UpdateOpportunityRequest move;
      move.mutable_opportunity()->set_id(o.id());
      move.mutable_opportunity()->set_etag(o.etag());
      move.mutable_opportunity()->set_stage_code(stage);
      move.mutable_update_mask()->add_paths("stage_code");
      status = stub_->UpdateOpportunity(AuthContext(*d.owner).get(), move, &o);
      ASSERT_TRUE(status.ok()) << status.error_message();
    }
    ids.push_back(o.id());
  }
  // The first one's stage moves, in order, from and to.
  v1::ListOpportunityHistoryRequest history;
  history.set_opportunity_id(ids[0]);
  v1::ListOpportunityHistoryResponse changes;
  ASSERT_TRUE(
      stub_->ListOpportunityHistory(AuthContext(org_->sales_a).get(), history, &changes).ok());
  std::vector<std::string> moves;
  for (const auto& c : changes.changes()) {
    if (c.field() == "stage_code") moves.push_back(c.from_value() + ">" + c.to_value());
  }
  EXPECT_EQ(moves, (std::vector<std::string>{">lead", "lead>qualified", "qualified>proposal"}));
  // sales.b may not read sales.a's.
  EXPECT_EQ(stub_->ListOpportunityHistory(AuthContext(org_->sales_b).get(), history, &changes)
                .error_code(),
            grpc::StatusCode::NOT_FOUND);

  // Probabilities now: 50% (proposal), 10% (lead), 75% (negotiation).
  v1::GetForecastRequest forecast;
  forecast.set_group_by(v1::GetForecastRequest::CLOSE_MONTH);
  forecast.set_from_month("2031-04");
  forecast.set_to_month("2031-05");
  v1::GetForecastResponse centre;
  ASSERT_TRUE(stub_->GetForecast(AuthContext(org_->head_centre).get(), forecast, &centre).ok());
  ASSERT_EQ(centre.rows_size(), 2);
  EXPECT_EQ(centre.rows(0).key(), "2031-04");
  EXPECT_EQ(centre.rows(0).count(), 2);
  // 1,234,567 × 0.5 + 800,000 × 0.1 = 617,283.5 + 80,000 → 697,284 (half up)
  EXPECT_EQ(centre.rows(0).weighted_amount().minor_units(), 697'284);
  // 2,500,001 × 0.75 = 1,875,000.75 → 1,875,001
  EXPECT_EQ(centre.rows(1).weighted_amount().minor_units(), 1'875'001);
  EXPECT_EQ(centre.total().amount().minor_units(), 4'534'568);
  v1::GetForecastResponse own;
  ASSERT_TRUE(stub_->GetForecast(AuthContext(org_->sales_a).get(), forecast, &own).ok());
  EXPECT_EQ(own.total().count(), 2) << "a sales person forecasts only their own";
}

TEST_F(SalesE2eTest, AContactRecordIsInTheFeedAndAnUnseenCustomersIsNotFound) {
  v1::CreateContactRecordRequest request;
  request.mutable_record()->set_customer_id(customer_b_);
  request.mutable_record()->set_method(v1::PHONE);
  request.mutable_record()->set_subject("电话回访");
  v1::ContactRecord record;
  grpc::Status status =
      stub_->CreateContactRecord(AuthContext(org_->sales_a).get(), request, &record);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::NOT_FOUND) << status.error_message();
  request.mutable_record()->set_customer_id(customer_a_);
  status = stub_->CreateContactRecord(AuthContext(org_->sales_a).get(), request, &record);
  ASSERT_TRUE(status.ok()) << status.error_message();
  // Consumers (customer, reporting) find it in the sales feed.
  common::v1::ListChangesRequest changes;
  changes.set_page_size(1000);
  bool found = false;
  for (int pages = 0; pages < 100 && !found; ++pages) {
    common::v1::ListChangesResponse page;
    ASSERT_TRUE(stub_->ListChanges(AuthContext(org_->admin).get(), changes, &page).ok());
    for (const common::v1::Change& change : page.changes()) {
      found = found || (change.entity_type() == "crm.sales.v1.ContactRecord" &&
                        change.entity_id() == record.id());
    }
    if (!page.has_more()) break;
    changes.set_after_sequence(page.last_sequence());
  }
  EXPECT_TRUE(found);
}

TEST_F(SalesE2eTest, HostileInputIsRefusedByFieldAndChangesNothing) {
  const v1::Product p = MustCreateProduct("'; DROP TABLE products; --", 100, 13, 0);
  // Text that looks like SQL is only text.
  v1::GetProductRequest get;
  get.set_id(p.id());
  v1::Product read;
  ASSERT_TRUE(stub_->GetProduct(AuthContext(org_->sales_a).get(), get, &read).ok());
  EXPECT_EQ(read.name(), "'; DROP TABLE products; --");
  const int64_t orders_before = OrderCount();

  auto refused = [&](const v1::Order& order, const std::string& field) {
    v1::Order created;
    const grpc::Status status = CreateOrder(org_->sales_a, order, &created);
    EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT)
        << field << ": " << status.error_message();
    EXPECT_TRUE(absl::StrContains(status.error_message(), field)) << status.error_message();
  };
  v1::Order order = OrderOf(customer_a_, {{p.id(), 1'000}});
  order.set_remarks(std::string("bell\a and escape\x1b"));
  refused(order, "order.remarks");
  order.set_remarks(std::string(100'000, 'x'));
  refused(order, "order.remarks");
  order = OrderOf(customer_a_, {{p.id(), INT64_MAX}});
  refused(order, "order.lines[0].quantity_milli");
  order = OrderOf(customer_a_, {{p.id(), 1'000}});
  order.mutable_lines(0)->mutable_unit_price()->set_minor_units(INT64_MIN);
  refused(order, "order.lines[0].unit_price");
  order.mutable_lines(0)->mutable_unit_price()->set_minor_units(100);
  order.set_order_discount_bp(INT32_MAX);
  refused(order, "order.order_discount_bp");
  order = OrderOf(customer_a_, std::vector<std::pair<int64_t, int64_t>>(201, {p.id(), 1'000}));
  refused(order, "order.lines");
  refused(v1::Order(), "order.customer_id");
  // Ids that cannot exist are simply not found.
  v1::GetOrderRequest missing;
  missing.set_id(INT64_MAX);
  v1::Order none;
  EXPECT_EQ(stub_->GetOrder(AuthContext(org_->sales_a).get(), missing, &none).error_code(),
            grpc::StatusCode::NOT_FOUND);
  // A 5 MB request is refused before anyone buffers it.
  v1::CreateOpportunityRequest huge;
  huge.mutable_opportunity()->set_title(std::string(5 << 20, 'y'));
  v1::Opportunity opportunity;
  EXPECT_EQ(
      stub_->CreateOpportunity(AuthContext(org_->sales_a).get(), huge, &opportunity).error_code(),
      grpc::StatusCode::RESOURCE_EXHAUSTED);
  EXPECT_EQ(OrderCount(), orders_before);
  // And the service still serves.
  EXPECT_TRUE(stub_->GetProduct(AuthContext(org_->sales_a).get(), get, &read).ok());
}

TEST_F(SalesE2eTest, WithTheCustomerServiceDownOrdersAreUnavailableAndNothingIsHalfWritten) {
  const v1::Product p = MustCreateProduct("应急灯", 3500, 13, 0);
  const int64_t before = OrderCount();
  stack_->Process("customer").Signal(SIGKILL);
  stack_->Process("customer").Wait(std::chrono::seconds(5));
  v1::Order created;
  const grpc::Status status =
      CreateOrder(org_->sales_a, OrderOf(customer_a_, {{p.id(), 1'000}}), &created, "down-1");
  EXPECT_EQ(status.error_code(), grpc::StatusCode::UNAVAILABLE) << status.error_message();
  // What failed, not where: no internal address or transport text.
  EXPECT_TRUE(absl::StrContains(status.error_message(), "customer service"))
      << status.error_message();
  for (const char* internal : {"unix:", "ipv4:", ".sock", "addresses", "Connection refused"}) {
    EXPECT_FALSE(absl::StrContains(status.error_message(), internal)) << status.error_message();
  }
  EXPECT_EQ(OrderCount(), before);
  stack_->StartProcess("customer");
  ASSERT_TRUE(stack_->WaitServing("crm.customer.v1.CustomerService"));
  // The client's retry with the same request id goes through, once.
  grpc::Status retried;
  ASSERT_TRUE(testing::Eventually([&] {
    retried =
        CreateOrder(org_->sales_a, OrderOf(customer_a_, {{p.id(), 1'000}}), &created, "down-1");
    return retried.error_code() != grpc::StatusCode::UNAVAILABLE;
  }));
  ASSERT_TRUE(retried.ok()) << retried.error_message();
  v1::Order again;
  ASSERT_TRUE(
      CreateOrder(org_->sales_a, OrderOf(customer_a_, {{p.id(), 1'000}}), &again, "down-1").ok());
  EXPECT_EQ(again.id(), created.id());
  EXPECT_EQ(again.number(), created.number());
  EXPECT_EQ(OrderCount(), before + 1);
}

// R15/R16 through the gateway: a campaign, a quote that becomes an order
// attributed to it, the order's contract, and the campaign's results.
TEST_F(SalesE2eTest, AQuoteBecomesAnOrderAContractAndACampaignsResult) {
  const Session& me = org_->sales_a;
  v1::CreateCampaignRequest campaign_request;
  v1::Campaign& c = *campaign_request.mutable_campaign();
  c.set_name("华东渠道研讨会");
  c.set_type(v1::CAMPAIGN_TYPE_SEMINAR);
  c.set_start_date("2026-11-10");
  c.set_end_date("2026-11-10");
  c.mutable_cost()->set_minor_units(200'000);
  c.add_target_customer_ids(customer_a_);
  v1::Campaign campaign;
  grpc::Status status = stub_->CreateCampaign(AuthContext(me).get(), campaign_request, &campaign);
  ASSERT_TRUE(status.ok()) << status.error_message();
  // A target out of the caller's sight is NOT_FOUND.
  c.add_target_customer_ids(customer_b_);
  v1::Campaign refused;
  status = stub_->CreateCampaign(AuthContext(me).get(), campaign_request, &refused);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::NOT_FOUND) << status.error_message();

  const v1::Product p = MustCreateProduct("变频器", 150'000, 13, 5'000);
  v1::CreateQuoteRequest quote_request;
  quote_request.mutable_quote()->set_customer_id(customer_a_);
  *quote_request.mutable_quote()->mutable_lines() = OrderOf(customer_a_, {{p.id(), 2'000}}).lines();
  quote_request.mutable_quote()->mutable_lines(0)->set_discount_bp(500);
  quote_request.set_request_id("e2e-quote-1");
  v1::Quote quote;
  status = stub_->CreateQuote(AuthContext(me).get(), quote_request, &quote);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(quote.total_amount().minor_units(), 285'000);  // 1,500 元 × 2 × 95%
  EXPECT_EQ(quote.number().substr(0, 2), "QT");

  v1::ConvertQuoteToOrderRequest convert;
  convert.set_id(quote.id());
  convert.set_request_id("e2e-convert-1");
  v1::Order order, again;
  status = stub_->ConvertQuoteToOrder(AuthContext(me).get(), convert, &order);
  ASSERT_TRUE(status.ok()) << status.error_message();
  ASSERT_TRUE(stub_->ConvertQuoteToOrder(AuthContext(me).get(), convert, &again).ok());
  EXPECT_EQ(again.id(), order.id());
  EXPECT_EQ(order.total_amount().minor_units(), 285'000);
  EXPECT_EQ(order.quote_id(), quote.id());

  v1::UpdateOrderRequest attribute;
  attribute.mutable_order()->set_id(order.id());
  attribute.mutable_order()->set_etag(order.etag());
  attribute.mutable_order()->set_campaign_id(campaign.id());
  ASSERT_TRUE(stub_->UpdateOrder(AuthContext(me).get(), attribute, &order).ok());
  v1::ConfirmOrderRequest confirm;
  confirm.set_id(order.id());
  status = stub_->ConfirmOrder(AuthContext(me).get(), confirm, &order);
  ASSERT_TRUE(status.ok()) << status.error_message();

  v1::CreateContractRequest contract_request;
  contract_request.mutable_contract()->set_order_id(order.id());
  contract_request.mutable_contract()->set_title("变频器供货合同");
  contract_request.mutable_contract()->set_start_date("2027-01-01");
  contract_request.mutable_contract()->set_end_date("2027-06-30");
  v1::Contract contract;
  status = stub_->CreateContract(AuthContext(me).get(), contract_request, &contract);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(contract.amount().minor_units(), 285'000);
  EXPECT_EQ(contract.customer_id(), customer_a_);
  v1::SignContractRequest sign;
  sign.set_id(contract.id());
  status = stub_->SignContract(AuthContext(me).get(), sign, &contract);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(contract.status(), v1::CONTRACT_STATUS_SIGNED);
  // Someone else's sales person sees neither.
  v1::GetContractRequest get;
  get.set_id(contract.id());
  v1::Contract unseen;
  EXPECT_EQ(stub_->GetContract(AuthContext(org_->sales_b).get(), get, &unseen).error_code(),
            grpc::StatusCode::NOT_FOUND);

  v1::GetCampaignResultsRequest results_request;
  results_request.set_id(campaign.id());
  v1::CampaignResults results;
  status = stub_->GetCampaignResults(AuthContext(me).get(), results_request, &results);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(results.orders(), 1);
  EXPECT_EQ(results.order_amount().minor_units(), 285'000);
  EXPECT_EQ(results.targets_with_orders(), 1);
  EXPECT_EQ(results.return_on_cost_bp(), 4250);  // (2,850 − 2,000) / 2,000 元
}

}  // namespace
}  // namespace crm
