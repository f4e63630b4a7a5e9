// Orders (R14) against a real MariaDB: numbers, idempotent creates, the
// status machine (every step it does not allow changes nothing), stock that
// is never sold twice under concurrency, deliveries, cancellations, and
// row-level visibility.
#include <atomic>
#include <thread>

#include "absl/strings/match.h"
#include "common/feed/change_log.h"
#include "crm/common/v1/changes.pb.h"
#include "tests/sales/sales_fixture.h"

namespace crm::sales {
namespace {

using OrdersTest = SalesTest;

TEST_F(OrdersTest, NumbersFollowTheCompanyDayAndARetryKeepsItsNumber) {
  const v1::Product p = AddProduct("配电柜", 10000, 0);
  absl::StatusOr<v1::Order> first = Create(sales_a_, OrderOf(500, {{p.id(), 1000}}), "o-1");
  absl::StatusOr<v1::Order> second = Create(sales_a_, OrderOf(500, {{p.id(), 1000}}));
  absl::StatusOr<v1::Order> retry = Create(sales_a_, OrderOf(500, {{p.id(), 1000}}), "o-1");
  ASSERT_TRUE(first.ok() && second.ok() && retry.ok()) << first.status() << second.status();
  EXPECT_EQ(first->number(), "SO20261205-0001");
  EXPECT_EQ(second->number(), "SO20261205-0002");
  EXPECT_EQ(retry->id(), first->id());
  EXPECT_EQ(retry->number(), first->number());
  EXPECT_EQ(first->order_date(), "2026-12-05");
  EXPECT_EQ(first->status(), v1::DRAFT);
  EXPECT_EQ(first->owner_employee_id(), 7);
  // 2026-12-05 16:30 UTC is already 12-06 00:30 in Shanghai: a new day's numbers.
  clock_.Set(absl::FromCivil(absl::CivilSecond(2026, 12, 5, 16, 30, 0), absl::UTCTimeZone()));
  absl::StatusOr<v1::Order> next_day = Create(sales_a_, OrderOf(500, {{p.id(), 1000}}));
  ASSERT_TRUE(next_day.ok());
  EXPECT_EQ(next_day->number(), "SO20261206-0001");
  EXPECT_EQ(next_day->order_date(), "2026-12-06");
  EXPECT_EQ(Count("SELECT COUNT(*) FROM orders"), 3);
}

// Past 9,999 documents of one day the number grows a digit rather than wrap.
TEST_F(OrdersTest, TheTenThousandthOrderOfADayGetsFiveDigits) {
  const v1::Product p = AddProduct("配电柜", 10000, 0);
  Exec("INSERT INTO document_numbers (prefix, day, last_value) VALUES ('SO', '2026-12-05', 9998)");
  absl::StatusOr<v1::Order> last_four = Create(sales_a_, OrderOf(500, {{p.id(), 1000}}));
  absl::StatusOr<v1::Order> five = Create(sales_a_, OrderOf(500, {{p.id(), 1000}}));
  ASSERT_TRUE(last_four.ok() && five.ok()) << last_four.status() << five.status();
  EXPECT_EQ(last_four->number(), "SO20261205-9999");
  EXPECT_EQ(five->number(), "SO20261205-10000");
}

TEST_F(OrdersTest, LinesCopyTheProductAndTheTotalsAreTheServersOwn) {
  const v1::Product p = AddProduct("断路器", 3333, 0, 13);
  v1::Order order = OrderOf(500, {{p.id(), 1000}, {p.id(), 1000}, {p.id(), 1000}});
  order.set_order_discount_bp(1000);
  order.mutable_total_amount()->set_minor_units(1);  // output only: ignored
  absl::StatusOr<v1::Order> created = Create(sales_a_, order);
  ASSERT_TRUE(created.ok()) << created.status();
  EXPECT_EQ(created->total_amount().minor_units(), 8999);
  EXPECT_EQ(created->lines(0).amount().minor_units(), 2999);
  EXPECT_EQ(created->lines(0).product_name(), "断路器");
  EXPECT_EQ(created->lines(0).unit(), "台");
  EXPECT_EQ(created->lines(0).unit_price().minor_units(), 3333);
  EXPECT_EQ(created->lines(0).cost_price().minor_units(), 1666);
  EXPECT_EQ(created->lines(0).vat_rate_percent(), 13);
  // What was stored is what was answered.
  absl::StatusOr<v1::Order> read = Get(sales_a_, created->id());
  ASSERT_TRUE(read.ok());
  EXPECT_EQ(read->SerializeAsString(), created->SerializeAsString());
}

TEST_F(OrdersTest, BadOrdersNameTheirFieldsAndWriteNothing) {
  const v1::Product p = AddProduct("配电柜", 10000, 0);
  const int64_t changes = Count("SELECT COUNT(*) FROM change_log");
  v1::Order bad = OrderOf(0, {{p.id(), 0}, {-1, 1000}});
  bad.mutable_lines(1)->set_discount_bp(20000);
  bad.set_order_discount_bp(-1);
  bad.set_delivery_date("2026-02-30");
  absl::StatusOr<v1::Order> created = Create(sales_a_, bad);
  ASSERT_EQ(created.status().code(), absl::StatusCode::kInvalidArgument);
  for (const char* field :
       {"order.customer_id", "order.lines[0].quantity_milli", "order.lines[1].product_id",
        "order.lines[1].discount_bp", "order.order_discount_bp", "order.delivery_date"}) {
    EXPECT_TRUE(absl::StrContains(created.status().message(), field)) << field;
  }
  EXPECT_EQ(Create(sales_a_, OrderOf(500, {})).status().code(), absl::StatusCode::kInvalidArgument);
  // A customer the caller cannot see, and a product that does not exist.
  EXPECT_EQ(Create(sales_a_, OrderOf(999, {{p.id(), 1000}})).status().code(),
            absl::StatusCode::kNotFound);
  absl::StatusOr<v1::Order> no_product = Create(sales_a_, OrderOf(500, {{p.id() + 100, 1000}}));
  EXPECT_EQ(no_product.status().code(), absl::StatusCode::kNotFound);
  EXPECT_TRUE(absl::StrContains(no_product.status().message(), "lines[0].product_id"));
  EXPECT_EQ(Count("SELECT COUNT(*) FROM orders"), 0);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM order_lines"), 0);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM change_log"), changes);
}

TEST_F(OrdersTest, EveryStepTheStatusMachineRefusesChangesNothing) {
  const v1::Product p = AddProduct("配电柜", 10000, 5'000);
  absl::StatusOr<v1::Order> order = Create(sales_a_, OrderOf(500, {{p.id(), 2'000}}));
  ASSERT_TRUE(order.ok());
  auto snapshot = [&] {
    return std::make_tuple(
        Get(sales_a_, order->id())->SerializeAsString(), Inventory(p.id())->SerializeAsString(),
        Count("SELECT COUNT(*) FROM change_log"), Count("SELECT COUNT(*) FROM stock_movements"));
  };
  auto refused = [&](absl::StatusOr<v1::Order> result, const char* step) {
    EXPECT_EQ(result.status().code(), absl::StatusCode::kFailedPrecondition)
        << step << ": " << result.status();
  };
  // A draft cannot be delivered.
  auto before = snapshot();
  refused(Deliver(sales_a_, *order, 0, 1'000), "deliver a draft");
  EXPECT_EQ(snapshot(), before);

  absl::StatusOr<v1::Order> confirmed = Confirm(sales_a_, order->id());
  ASSERT_TRUE(confirmed.ok());
  before = snapshot();
  refused(Confirm(sales_a_, order->id()), "confirm twice");
  v1::UpdateOrderRequest edit;
  edit.mutable_order()->set_id(order->id());
  edit.mutable_order()->set_etag(confirmed->etag());
  edit.mutable_order()->set_delivery_date("2026-12-31");  // a draft's term
  v1::Order edited;
  EXPECT_EQ(order_handlers_->UpdateOrder(sales_a_, edit, &edited).code(),
            absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(snapshot(), before);

  // Partly delivered: no cancelling, no confirming, no over-delivery.
  ASSERT_TRUE(Deliver(sales_a_, *order, 0, 500).ok());
  before = snapshot();
  refused(Cancel(sales_a_, order->id()), "cancel a partly delivered order");
  refused(Confirm(sales_a_, order->id()), "confirm a partly delivered order");
  refused(Deliver(sales_a_, *order, 0, 1'501), "deliver more than ordered");
  EXPECT_EQ(snapshot(), before);

  absl::StatusOr<v1::Order> done = Deliver(sales_a_, *order, 0, 1'500);
  ASSERT_TRUE(done.ok()) << done.status();
  EXPECT_EQ(done->status(), v1::COMPLETED);
  before = snapshot();
  refused(Cancel(sales_a_, order->id()), "cancel a completed order");
  refused(Deliver(sales_a_, *order, 0, 1), "deliver a completed order");
  EXPECT_EQ(snapshot(), before);

  // A cancelled order is final too.
  absl::StatusOr<v1::Order> other = Create(sales_a_, OrderOf(500, {{p.id(), 1'000}}));
  ASSERT_TRUE(Cancel(sales_a_, other->id()).ok());
  before = snapshot();
  refused(Confirm(sales_a_, other->id()), "confirm a cancelled order");
  refused(Cancel(sales_a_, other->id()), "cancel twice");
  EXPECT_EQ(snapshot(), before);
}

TEST_F(OrdersTest, DeliveriesShipReservedStockAndARetriedOneShipsOnce) {
  const v1::Product p = AddProduct("电缆", 100, 10'000);
  absl::StatusOr<v1::Order> order = Create(sales_a_, OrderOf(500, {{p.id(), 4'000}}));
  ASSERT_TRUE(Confirm(sales_a_, order->id()).ok());
  EXPECT_EQ(Inventory(p.id())->reserved_milli(), 4'000);
  absl::StatusOr<v1::Order> partly = Deliver(sales_a_, *order, 0, 1'500, "ship-1");
  ASSERT_TRUE(partly.ok()) << partly.status();
  EXPECT_EQ(partly->status(), v1::PARTIALLY_DELIVERED);
  EXPECT_EQ(partly->lines(0).delivered_milli(), 1'500);
  absl::StatusOr<v1::Order> retried = Deliver(sales_a_, *order, 0, 1'500, "ship-1");
  ASSERT_TRUE(retried.ok()) << retried.status();
  EXPECT_EQ(retried->lines(0).delivered_milli(), 1'500);
  absl::StatusOr<v1::Inventory> inventory = Inventory(p.id());
  EXPECT_EQ(inventory->on_hand_milli(), 8'500);
  EXPECT_EQ(inventory->reserved_milli(), 2'500);
  EXPECT_EQ(inventory->on_hand_milli(), LedgerSum(p.id()));
  EXPECT_EQ(Count("SELECT COUNT(*) FROM stock_movements WHERE kind = 2 AND order_id = " +
                  std::to_string(order->id())),
            1);
}

TEST_F(OrdersTest, CancellingAConfirmedOrderGivesItsStockBack) {
  const v1::Product a = AddProduct("甲", 100, 3'000);
  const v1::Product b = AddProduct("乙", 100, 3'000);
  absl::StatusOr<v1::Order> order =
      Create(sales_a_, OrderOf(500, {{a.id(), 2'000}, {b.id(), 1'000}, {a.id(), 500}}));
  ASSERT_TRUE(Confirm(sales_a_, order->id()).ok());
  EXPECT_EQ(Inventory(a.id())->available_milli(), 500);
  absl::StatusOr<v1::Order> cancelled = Cancel(sales_a_, order->id());
  ASSERT_TRUE(cancelled.ok()) << cancelled.status();
  EXPECT_EQ(cancelled->status(), v1::CANCELLED);
  EXPECT_EQ(cancelled->cancel_reason(), "客户取消");
  EXPECT_EQ(Inventory(a.id())->available_milli(), 3'000);
  EXPECT_EQ(Inventory(b.id())->available_milli(), 3'000);
  EXPECT_EQ(Inventory(a.id())->reserved_milli(), 0);
}

TEST_F(OrdersTest, AStatusStepsChangeRowSaysFromAndTo) {
  const v1::Product p = AddProduct("电缆", 100, 10'000);
  absl::StatusOr<v1::Order> order = Create(sales_a_, OrderOf(500, {{p.id(), 4'000}}));
  ASSERT_TRUE(Confirm(sales_a_, order->id()).ok());
  common::v1::ListChangesRequest request;
  request.set_page_size(1000);
  common::v1::ListChangesResponse response;
  ASSERT_TRUE(ListChanges(*db_, keeper_, request, &response).ok());
  const common::v1::Change& last = response.changes(response.changes_size() - 1);
  EXPECT_EQ(last.entity_type(), "crm.sales.v1.Order");
  EXPECT_EQ(last.entity_id(), order->id());
  v1::Order before, after;
  ASSERT_TRUE(last.previous_state().UnpackTo(&before));
  ASSERT_TRUE(last.state().UnpackTo(&after));
  EXPECT_EQ(before.status(), v1::DRAFT);
  EXPECT_EQ(after.status(), v1::CONFIRMED);
  EXPECT_EQ(std::vector<std::string>(last.changed_fields().begin(), last.changed_fields().end()),
            std::vector<std::string>{"status"});
}

TEST_F(OrdersTest, ConcurrentConfirmationsNeverSellStockTwice) {
  const v1::Product p = AddProduct("热销品", 100, 10'000);
  std::vector<int64_t> ids;
  for (int i = 0; i < 40; ++i) {
    absl::StatusOr<v1::Order> order =
        Create(i % 2 ? sales_a_ : sales_b_, OrderOf(500, {{p.id(), 1'000}}));
    ASSERT_TRUE(order.ok());
    ids.push_back(order->id());
  }
  std::atomic<int> confirmed{0}, short_of_stock{0}, other{0};
  std::vector<std::thread> threads;
  std::atomic<size_t> next{0};
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&] {
      for (size_t i; (i = next.fetch_add(1)) < ids.size();) {
        absl::StatusOr<v1::Order> result = Confirm(head_, ids[i]);
        if (result.ok()) {
          ++confirmed;
        } else if (result.status().code() == absl::StatusCode::kFailedPrecondition &&
                   absl::StrContains(result.status().message(), "热销品")) {
          ++short_of_stock;
        } else {
          ++other;
          ADD_FAILURE() << result.status();
        }
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(confirmed, 10);
  EXPECT_EQ(short_of_stock, 30);
  EXPECT_EQ(other, 0);
  absl::StatusOr<v1::Inventory> inventory = Inventory(p.id());
  EXPECT_EQ(inventory->available_milli(), 0);
  EXPECT_EQ(inventory->reserved_milli(), 10'000);
  EXPECT_EQ(inventory->on_hand_milli(), LedgerSum(p.id()));
  EXPECT_EQ(Count("SELECT COUNT(*) FROM orders WHERE status = 2"), 10);
}

TEST_F(OrdersTest, OrdersTakingProductsInOppositeOrderDoNotDeadlock) {
  const v1::Product a = AddProduct("甲", 100, 1'000'000);
  const v1::Product b = AddProduct("乙", 100, 1'000'000);
  std::vector<int64_t> ids;
  for (int i = 0; i < 60; ++i) {
    auto lines = i % 2 ? std::vector<std::pair<int64_t, int64_t>>{{a.id(), 1'000}, {b.id(), 1'000}}
                       : std::vector<std::pair<int64_t, int64_t>>{{b.id(), 1'000}, {a.id(), 1'000}};
    ids.push_back(Create(sales_a_, OrderOf(500, lines))->id());
  }
  std::atomic<size_t> next{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 6; ++t) {
    threads.emplace_back([&] {
      for (size_t i; (i = next.fetch_add(1)) < ids.size();) {
        absl::StatusOr<v1::Order> confirmed = Confirm(sales_a_, ids[i]);
        EXPECT_TRUE(confirmed.ok()) << confirmed.status();
        if (i % 3 == 0) {
          absl::StatusOr<v1::Order> cancelled = Cancel(sales_a_, ids[i]);
          EXPECT_TRUE(cancelled.ok()) << cancelled.status();
        }
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(Inventory(a.id())->reserved_milli(), 40'000);
  EXPECT_EQ(Inventory(b.id())->reserved_milli(), 40'000);
}

TEST_F(OrdersTest, EachCallerSeesTheOrdersTheirScopeAllows) {
  const v1::Product p = AddProduct("配电柜", 10000, 0);
  const int64_t mine = Create(sales_a_, OrderOf(500, {{p.id(), 1000}}))->id();
  const int64_t colleague = Create(sales_b_, OrderOf(501, {{p.id(), 1000}}))->id();
  const int64_t elsewhere = Create(sales_elsewhere_, OrderOf(502, {{p.id(), 1000}}))->id();
  EXPECT_TRUE(Get(sales_a_, mine).ok());
  EXPECT_EQ(Get(sales_a_, colleague).status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(Confirm(sales_a_, colleague).status().code(), absl::StatusCode::kNotFound);
  EXPECT_TRUE(Get(head_, colleague).ok());
  EXPECT_EQ(Get(head_, elsewhere).status().code(), absl::StatusCode::kNotFound);
  EXPECT_TRUE(Get(keeper_, elsewhere).ok());
  auto listed = [&](const CallContext& call, v1::ListOrdersRequest request = {}) {
    request.set_page_size(1);
    std::vector<int64_t> ids;
    int64_t total = -1;
    for (;;) {
      v1::ListOrdersResponse response;
      const absl::Status status = order_handlers_->ListOrders(call, request, &response);
      EXPECT_TRUE(status.ok()) << status;
      if (!status.ok()) return std::make_pair(ids, total);
      for (const v1::Order& o : response.orders()) ids.push_back(o.id());
      if (total < 0) total = response.total_size();
      if (response.next_page_token().empty()) return std::make_pair(ids, total);
      request.set_page_token(response.next_page_token());
    }
  };
  EXPECT_EQ(listed(sales_a_), std::make_pair(std::vector<int64_t>{mine}, int64_t{1}));
  EXPECT_EQ(listed(head_), std::make_pair(std::vector<int64_t>{colleague, mine}, int64_t{2}));
  EXPECT_EQ(listed(keeper_).first, (std::vector<int64_t>{elsewhere, colleague, mine}));
  v1::ListOrdersRequest by_customer;
  by_customer.set_customer_id(501);
  EXPECT_EQ(listed(keeper_, by_customer).first, std::vector<int64_t>{colleague});
}

TEST_F(OrdersTest, ADraftsLinesAreReplacedAndRepricedAsAWhole) {
  const v1::Product a = AddProduct("甲", 10000, 0);
  const v1::Product b = AddProduct("乙", 250, 0, 6);
  absl::StatusOr<v1::Order> order = Create(sales_a_, OrderOf(500, {{a.id(), 1000}}));
  v1::UpdateOrderRequest request;
  *request.mutable_order() = OrderOf(500, {{b.id(), 4'000}, {a.id(), 500}});
  request.mutable_order()->set_id(order->id());
  request.mutable_order()->set_etag(order->etag());
  request.mutable_order()->set_order_discount_bp(500);
  request.mutable_update_mask()->add_paths("lines");
  request.mutable_update_mask()->add_paths("order_discount_bp");
  v1::Order updated;
  const absl::Status status = order_handlers_->UpdateOrder(sales_a_, request, &updated);
  ASSERT_TRUE(status.ok()) << status;
  ASSERT_EQ(updated.lines_size(), 2);
  EXPECT_EQ(updated.lines(0).product_name(), "乙");
  // (10.00 + 50.00) × 0.95 = 57.00
  EXPECT_EQ(updated.total_amount().minor_units(), 5700);
  EXPECT_EQ(updated.number(), order->number());
  EXPECT_EQ(Count("SELECT COUNT(*) FROM order_lines"), 2);
}

}  // namespace
}  // namespace crm::sales
