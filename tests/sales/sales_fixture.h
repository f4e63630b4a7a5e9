// A private schema with the sales migrations, the service's repositories and
// handlers on it, and callers as the gateway would describe them. The
// customer check stands in for the customer service (a set of customers the
// test says exist); the end-to-end tests use the real one.
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <set>
#include <string>
#include <vector>

#include "absl/time/civil_time.h"
#include "common/base/clock.h"
#include "common/base/status_util.h"
#include "common/db/database.h"
#include "services/sales/campaign_handlers.h"
#include "services/sales/contact_record_handlers.h"
#include "services/sales/contact_record_repository.h"
#include "services/sales/contract_handlers.h"
#include "services/sales/opportunity_handlers.h"
#include "services/sales/opportunity_repository.h"
#include "services/sales/order_handlers.h"
#include "services/sales/order_repository.h"
#include "services/sales/product_handlers.h"
#include "services/sales/product_repository.h"
#include "services/sales/quote_handlers.h"
#include "services/sales/stock_repository.h"
#include "tests/support/callers.h"
#include "tests/support/scratch_database.h"

namespace crm {
std::vector<MigrationFile> SalesMigrations();
}

namespace crm::sales {

class SalesTest : public testing::ScratchDatabaseTest {
 protected:
  SalesTest()
      : ScratchDatabaseTest(&SalesMigrations),
        // 2026-12-05 10:00 in Shanghai.
        clock_(absl::FromCivil(absl::CivilSecond(2026, 12, 5, 10, 0, 0), Zone())) {}

  static absl::TimeZone Zone() {
    absl::TimeZone zone;
    absl::LoadTimeZone("Asia/Shanghai", &zone);
    return zone;
  }

  void SetUp() override {
    ScratchDatabaseTest::SetUp();
    products_ = std::make_unique<ProductRepository>(*db_);
    stock_ = std::make_unique<StockRepository>(*db_);
    orders_ = std::make_unique<OrderRepository>(*db_, Zone());
    product_handlers_ = std::make_unique<ProductHandlers>(*products_, *stock_);
    const CustomerCheck check_customer = [this](const CallContext&, int64_t customer_id,
                                                int64_t) -> absl::Status {
      if (known_customers_.count(customer_id) == 0) {
        return absl::NotFoundError("customer not found");
      }
      return absl::OkStatus();
    };
    campaigns_ = std::make_unique<CampaignRepository>(*db_);
    order_handlers_ = std::make_unique<OrderHandlers>(*orders_, *campaigns_, check_customer);
    opportunities_ = std::make_unique<OpportunityRepository>(*db_, Zone());
    opportunity_handlers_ =
        std::make_unique<OpportunityHandlers>(*opportunities_, *campaigns_, check_customer, 30);
    campaign_handlers_ = std::make_unique<CampaignHandlers>(*campaigns_, check_customer);
    quotes_ = std::make_unique<QuoteRepository>(*db_, *orders_, Zone());
    quote_handlers_ = std::make_unique<QuoteHandlers>(*quotes_, check_customer);
    contracts_ = std::make_unique<ContractRepository>(*db_, Zone());
    contract_handlers_ = std::make_unique<ContractHandlers>(*contracts_, check_customer);
    contact_records_ = std::make_unique<ContactRecordRepository>(*db_);
    contact_record_handlers_ =
        std::make_unique<ContactRecordHandlers>(*contact_records_, check_customer, Zone());
    // Department 2 (/1/2/) has sales people 7 and 8 and head 9; 5 is
    // management; 100 the catalogue keeper (a department head elsewhere).
    sales_a_ = Caller(101, Role::kSales, 7, 2, "/1/2/");
    sales_b_ = Caller(102, Role::kSales, 8, 2, "/1/2/");
    sales_elsewhere_ = Caller(103, Role::kSales, 11, 3, "/1/3/");
    head_ = Caller(104, Role::kDepartmentHead, 9, 2, "/1/2/");
    keeper_ = Caller(105, Role::kManagement, 5, 1, "/1/");
  }

  CallContext Caller(int64_t user, Role role, int64_t employee, int64_t department,
                     const std::string& path) {
    return testing::CallerBuilder(user)
        .Roles(Bit(role))
        .Employee(employee)
        .Department(department, path)
        .Clock(&clock_);
  }

  // A product with `stock` units received.
  v1::Product AddProduct(const std::string& name, int64_t price_fen, int64_t stock_milli,
                         int32_t vat = 13) {
    v1::CreateProductRequest request;
    v1::Product& p = *request.mutable_product();
    p.set_name(name);
    p.set_model("M-" + name);
    p.set_unit("台");
    p.mutable_list_price()->set_minor_units(price_fen);
    p.mutable_cost_price()->set_minor_units(price_fen / 2);
    p.set_vat_rate_percent(vat);
    v1::Product created;
    const absl::Status status = product_handlers_->CreateProduct(keeper_, request, &created);
    EXPECT_TRUE(status.ok()) << status;
    if (stock_milli > 0) {
      EXPECT_TRUE(Receive(created.id(), stock_milli).ok());
    }
    return created;
  }

  absl::StatusOr<v1::StockMovement> Receive(int64_t product_id, int64_t quantity_milli,
                                            v1::StockMovementKind kind = v1::RECEIPT,
                                            const std::string& request_id = "") {
    v1::RecordStockMovementRequest request;
    request.mutable_movement()->set_product_id(product_id);
    request.mutable_movement()->set_kind(kind);
    request.mutable_movement()->set_quantity_milli(quantity_milli);
    request.mutable_movement()->set_reason("入库");
    request.set_request_id(request_id);
    v1::StockMovement movement;
    CRM_RETURN_IF_ERROR(product_handlers_->RecordStockMovement(keeper_, request, &movement));
    return movement;
  }

  absl::StatusOr<v1::Inventory> Inventory(int64_t product_id) {
    v1::GetInventoryRequest request;
    request.set_product_id(product_id);
    v1::Inventory inventory;
    CRM_RETURN_IF_ERROR(product_handlers_->GetInventory(keeper_, request, &inventory));
    return inventory;
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

  absl::StatusOr<v1::Order> Create(const CallContext& call, const v1::Order& order,
                                   const std::string& request_id = "") {
    v1::CreateOrderRequest request;
    *request.mutable_order() = order;
    request.set_request_id(request_id);
    v1::Order created;
    CRM_RETURN_IF_ERROR(order_handlers_->CreateOrder(call, request, &created));
    return created;
  }

  absl::StatusOr<v1::Order> Get(const CallContext& call, int64_t id) {
    v1::GetOrderRequest request;
    request.set_id(id);
    v1::Order order;
    CRM_RETURN_IF_ERROR(order_handlers_->GetOrder(call, request, &order));
    return order;
  }

  absl::StatusOr<v1::Order> Confirm(const CallContext& call, int64_t id) {
    v1::ConfirmOrderRequest request;
    request.set_id(id);
    v1::Order order;
    CRM_RETURN_IF_ERROR(order_handlers_->ConfirmOrder(call, request, &order));
    return order;
  }

  absl::StatusOr<v1::Order> Deliver(const CallContext& call, const v1::Order& order, int line,
                                    int64_t quantity_milli, const std::string& request_id = "") {
    v1::DeliverOrderRequest request;
    request.set_id(order.id());
    request.set_request_id(request_id);
    v1::DeliveryLine& delivery = *request.add_lines();
    delivery.set_line_id(order.lines(line).id());
    delivery.set_quantity_milli(quantity_milli);
    v1::Order delivered;
    CRM_RETURN_IF_ERROR(order_handlers_->DeliverOrder(call, request, &delivered));
    return delivered;
  }

  absl::StatusOr<v1::Order> Cancel(const CallContext& call, int64_t id) {
    v1::CancelOrderRequest request;
    request.set_id(id);
    request.set_reason("客户取消");
    v1::Order order;
    CRM_RETURN_IF_ERROR(order_handlers_->CancelOrder(call, request, &order));
    return order;
  }

  // The sum of the product's ledger, which on hand must always equal.
  int64_t LedgerSum(int64_t product_id) {
    return Count(
        "SELECT COALESCE(SUM(quantity_milli), 0) FROM stock_movements WHERE product_id = " +
        std::to_string(product_id));
  }

  ManualClock clock_;
  std::set<int64_t> known_customers_ = {500, 501, 502};
  std::unique_ptr<ProductRepository> products_;
  std::unique_ptr<StockRepository> stock_;
  std::unique_ptr<OrderRepository> orders_;
  std::unique_ptr<ProductHandlers> product_handlers_;
  std::unique_ptr<OrderHandlers> order_handlers_;
  std::unique_ptr<OpportunityRepository> opportunities_;
  std::unique_ptr<OpportunityHandlers> opportunity_handlers_;
  std::unique_ptr<ContactRecordRepository> contact_records_;
  std::unique_ptr<ContactRecordHandlers> contact_record_handlers_;
  std::unique_ptr<CampaignRepository> campaigns_;
  std::unique_ptr<CampaignHandlers> campaign_handlers_;
  std::unique_ptr<QuoteRepository> quotes_;
  std::unique_ptr<QuoteHandlers> quote_handlers_;
  std::unique_ptr<ContractRepository> contracts_;
  std::unique_ptr<ContractHandlers> contract_handlers_;
  CallContext sales_a_, sales_b_, sales_elsewhere_, head_, keeper_;
};

}  // namespace crm::sales
