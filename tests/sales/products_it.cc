// Products and stock (R11) against a real MariaDB: the catalogue's field
// rules, the ledger (on hand = Σ movements), adjustments never below what is
// reserved, idempotent movements, and the low-stock list.
#include "tests/sales/sales_fixture.h"

namespace crm::sales {
namespace {

using ProductsTest = SalesTest;

TEST_F(ProductsTest, AProductKeepsItsFieldsAndStartsWithNoStock) {
  const v1::Product p = AddProduct("配电柜", 1'288'00, 0, 9);
  EXPECT_GT(p.id(), 0);
  EXPECT_EQ(p.list_price().minor_units(), 128800);
  EXPECT_EQ(p.list_price().currency_code(), "CNY");
  EXPECT_EQ(p.vat_rate_percent(), 9);
  EXPECT_FALSE(p.discontinued());
  absl::StatusOr<v1::Inventory> inventory = Inventory(p.id());
  ASSERT_TRUE(inventory.ok()) << inventory.status();
  EXPECT_EQ(inventory->on_hand_milli(), 0);
  EXPECT_EQ(inventory->available_milli(), 0);
  EXPECT_EQ(inventory->product_name(), "配电柜");
}

TEST_F(ProductsTest, BadProductsAreRefusedNamingEveryFieldAndWriteNothing) {
  v1::CreateProductRequest request;
  v1::Product& p = *request.mutable_product();
  p.set_name("  ");
  p.mutable_list_price()->set_minor_units(-1);
  p.mutable_cost_price()->set_currency_code("USD");
  p.set_vat_rate_percent(17);
  p.set_low_stock_threshold_milli(-5);
  v1::Product created;
  const absl::Status status = product_handlers_->CreateProduct(keeper_, request, &created);
  ASSERT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  for (const char* field : {"product.name", "product.unit", "product.list_price.minor_units",
                            "product.cost_price.currency_code", "product.vat_rate_percent",
                            "product.low_stock_threshold_milli"}) {
    EXPECT_NE(status.message().find(field), std::string::npos) << field << ": " << status;
  }
  EXPECT_EQ(Count("SELECT COUNT(*) FROM products"), 0);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM change_log"), 0);
}

TEST_F(ProductsTest, OnHandIsTheLedgerSumAndAdjustmentsNeverGoBelowReserved) {
  const v1::Product p = AddProduct("断路器", 5000, 10'000);
  ASSERT_TRUE(Receive(p.id(), 2'500).ok());
  ASSERT_TRUE(Receive(p.id(), -1'500, v1::ADJUSTMENT).ok());
  absl::StatusOr<v1::Inventory> inventory = Inventory(p.id());
  ASSERT_TRUE(inventory.ok());
  EXPECT_EQ(inventory->on_hand_milli(), 11'000);
  EXPECT_EQ(inventory->on_hand_milli(), LedgerSum(p.id()));

  // Reserve 8 units with a confirmed order; then only 3 may be adjusted away.
  known_customers_.insert(500);
  absl::StatusOr<v1::Order> order = Create(sales_a_, OrderOf(500, {{p.id(), 8'000}}));
  ASSERT_TRUE(order.ok()) << order.status();
  ASSERT_TRUE(Confirm(sales_a_, order->id()).ok());
  absl::StatusOr<v1::StockMovement> too_much = Receive(p.id(), -3'001, v1::ADJUSTMENT);
  ASSERT_EQ(too_much.status().code(), absl::StatusCode::kFailedPrecondition) << too_much.status();
  EXPECT_NE(too_much.status().message().find("断路器"), std::string::npos);
  ASSERT_TRUE(Receive(p.id(), -3'000, v1::ADJUSTMENT).ok());
  inventory = Inventory(p.id());
  EXPECT_EQ(inventory->on_hand_milli(), 8'000);
  EXPECT_EQ(inventory->reserved_milli(), 8'000);
  EXPECT_EQ(inventory->available_milli(), 0);
  EXPECT_EQ(inventory->on_hand_milli(), LedgerSum(p.id()));
}

TEST_F(ProductsTest, AMovementRetriedWithItsRequestIdIsRecordedOnce) {
  const v1::Product p = AddProduct("电缆", 100, 0);
  absl::StatusOr<v1::StockMovement> first = Receive(p.id(), 1'000, v1::RECEIPT, "rcv-1");
  absl::StatusOr<v1::StockMovement> again = Receive(p.id(), 1'000, v1::RECEIPT, "rcv-1");
  ASSERT_TRUE(first.ok() && again.ok());
  EXPECT_EQ(first->id(), again->id());
  EXPECT_EQ(Inventory(p.id())->on_hand_milli(), 1'000);
}

TEST_F(ProductsTest, MovementsOtherThanReceiptsAndAdjustmentsAreRefused) {
  const v1::Product p = AddProduct("接触器", 100, 5'000);
  EXPECT_EQ(Receive(p.id(), -1'000, v1::SHIPMENT).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(Receive(p.id(), -1'000, v1::RECEIPT).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(Receive(p.id(), 0, v1::ADJUSTMENT).status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(Receive(999'999, 1'000).status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(Inventory(p.id())->on_hand_milli(), 5'000);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM stock_movements"), 1);
}

TEST_F(ProductsTest, TheLowStockListHoldsProductsAtOrBelowTheirThreshold) {
  const v1::Product low = AddProduct("低库存", 100, 2'000);
  const v1::Product fine = AddProduct("充足", 100, 50'000);
  AddProduct("无阈值", 100, 0);
  for (const v1::Product* p : {&low, &fine}) {
    v1::UpdateProductRequest request;
    request.mutable_product()->set_id(p->id());
    request.mutable_product()->set_etag(p->etag());
    request.mutable_product()->set_low_stock_threshold_milli(5'000);
    request.mutable_update_mask()->add_paths("low_stock_threshold_milli");
    v1::Product updated;
    ASSERT_TRUE(product_handlers_->UpdateProduct(keeper_, request, &updated).ok());
  }
  v1::ListLowStockResponse response;
  ASSERT_TRUE(product_handlers_->ListLowStock(sales_a_, {}, &response).ok());
  ASSERT_EQ(response.items_size(), 1);
  EXPECT_EQ(response.items(0).product_id(), low.id());
  EXPECT_EQ(response.items(0).available_milli(), 2'000);
}

TEST_F(ProductsTest, UpdatesFollowTheMaskAndTheEtag) {
  const v1::Product p = AddProduct("变压器", 100'000, 0);
  v1::UpdateProductRequest request;
  request.mutable_product()->set_id(p.id());
  request.mutable_product()->set_etag(p.etag());
  request.mutable_product()->set_discontinued(true);
  request.mutable_product()->set_name("ignored: not in the mask");
  request.mutable_update_mask()->add_paths("discontinued");
  v1::Product updated;
  ASSERT_TRUE(product_handlers_->UpdateProduct(keeper_, request, &updated).ok());
  EXPECT_TRUE(updated.discontinued());
  EXPECT_EQ(updated.name(), "变压器");
  // The same etag again is stale now.
  EXPECT_EQ(product_handlers_->UpdateProduct(keeper_, request, &updated).code(),
            absl::StatusCode::kAborted);
  // A discontinued product cannot go on a new order.
  absl::StatusOr<v1::Order> order = Create(sales_a_, OrderOf(500, {{p.id(), 1'000}}));
  EXPECT_EQ(order.status().code(), absl::StatusCode::kFailedPrecondition) << order.status();
  EXPECT_NE(order.status().message().find("lines[0].product_id"), std::string::npos);
}

}  // namespace
}  // namespace crm::sales
