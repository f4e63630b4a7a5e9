// sales_bench: the sales service's two figures, through the gateway.
//
//   sales_bench --target=HOST:PORT --username=sales.east --admin-username=admin
//               [--seconds=10] [--create-threads=8] [--confirm-threads=32]
//               [--confirm-orders=3000]
//
// Passwords come from CRM_PASSWORD and CRM_ADMIN_PASSWORD. As the
// administrator it makes six products (one of them the hot one) with stock
// enough for everything; as the user it then
//   1. creates 5-line orders from --create-threads callers for --seconds
//      (every call a new order: no request id), and
//   2. confirms --confirm-orders one-unit draft orders of the hot product
//      (created first, untimed) from --confirm-threads callers at once.
// The last line: "RESULT create_per_s=… create_p50_ms=… create_p99_ms=…
// confirm_per_s=… confirm_p50_ms=… confirm_p99_ms=… failed=N".
#include <grpcpp/channel.h>
#include <grpcpp/client_context.h>
#include <grpcpp/create_channel.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdlib>
#include <iostream>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "common/base/config.h"
#include "crm/customer/v1/customer_service.grpc.pb.h"
#include "crm/sales/v1/sales_service.grpc.pb.h"
#include "tests/perf/perf_calls.h"
#include "tests/perf/perf_login.h"

namespace {

using Clock = std::chrono::steady_clock;
namespace sales = crm::sales::v1;

using crm::perf::Authorized;
using crm::perf::Latencies;
using crm::perf::RunCallers;

void Check(const grpc::Status& status, const std::string& what) {
  crm::perf::CheckOrExit(status, "sales_bench", what);
}

int64_t Product(sales::SalesService::Stub& stub, const std::string& admin, const std::string& name,
                int32_t vat, int64_t stock_milli) {
  sales::CreateProductRequest create;
  create.mutable_product()->set_name(name);
  create.mutable_product()->set_unit("台");
  create.mutable_product()->mutable_list_price()->set_minor_units(12345);
  create.mutable_product()->mutable_cost_price()->set_minor_units(6000);
  create.mutable_product()->set_vat_rate_percent(vat);
  sales::Product product;
  Check(stub.CreateProduct(Authorized(admin).get(), create, &product), "create product");
  sales::RecordStockMovementRequest receipt;
  receipt.mutable_movement()->set_product_id(product.id());
  receipt.mutable_movement()->set_kind(sales::RECEIPT);
  receipt.mutable_movement()->set_quantity_milli(stock_milli);
  receipt.mutable_movement()->set_reason("benchmark stock");
  sales::StockMovement movement;
  Check(stub.RecordStockMovement(Authorized(admin).get(), receipt, &movement), "receive stock");
  return product.id();
}

}  // namespace

int main(int argc, char** argv) {
  crm::Config config(argc, argv);
  const std::string target = config.GetString("target", "127.0.0.1:50051", "gateway address");
  const std::string username = config.GetString("username", "sales.east", "who orders");
  const std::string password = config.GetString("password", "", "that user's password");
  const std::string admin_name =
      config.GetString("admin-username", "admin", "who makes the products");
  const std::string admin_password =
      config.GetString("admin-password", "", "the administrator's password");
  const int seconds = static_cast<int>(config.GetInt("seconds", 10, "how long to create orders"));
  const int create_threads =
      static_cast<int>(config.GetInt("create-threads", 8, "callers creating orders"));
  const int confirm_threads =
      static_cast<int>(config.GetInt("confirm-threads", 32, "callers confirming orders"));
  const int confirm_orders =
      static_cast<int>(config.GetInt("confirm-orders", 3000, "orders to confirm"));
  if (absl::Status status = config.Finish(); !status.ok()) {
    std::cerr << status.message() << "\n" << config.Usage("sales_bench");
    return 2;
  }
  if (config.help_requested()) {
    std::cout << config.Usage("sales_bench");
    return 0;
  }
  // One connection per caller thread group, as separate clients would have.
  grpc::ChannelArguments args;
  args.SetInt(GRPC_ARG_USE_LOCAL_SUBCHANNEL_POOL, 1);
  auto channel = grpc::CreateCustomChannel(target, grpc::InsecureChannelCredentials(), args);
  const std::string user = crm::perf::BearerOrExit(channel, "sales_bench", username, password);
  const std::string admin =
      crm::perf::BearerOrExit(channel, "sales_bench", admin_name, admin_password);
  auto stub = sales::SalesService::NewStub(channel);

  crm::customer::v1::ListCustomersRequest list;
  list.set_page_size(1);
  crm::customer::v1::ListCustomersResponse customers;
  Check(crm::customer::v1::CustomerService::NewStub(channel)->ListCustomers(Authorized(user).get(),
                                                                            list, &customers),
        "list customers");
  if (customers.customers_size() == 0) {
    std::cerr << "sales_bench: " << username << " sees no customer to order for\n";
    return 2;
  }
  const int64_t customer_id = customers.customers(0).id();

  const std::string tag = absl::StrCat(absl::ToUnixSeconds(absl::Now()));
  std::vector<int64_t> products;
  const int32_t rates[] = {13, 9, 6, 3, 1};
  for (int i = 0; i < 5; ++i) {
    products.push_back(
        Product(*stub, admin, absl::StrCat("bench ", tag, " #", i), rates[i], 1'000'000'000));
  }
  const int64_t hot = Product(*stub, admin, absl::StrCat("bench ", tag, " hot"), 13,
                              static_cast<int64_t>(confirm_orders) * 1000);

  // 1. Five-line orders, for `seconds`.
  sales::CreateOrderRequest five_lines;
  five_lines.mutable_order()->set_customer_id(customer_id);
  five_lines.mutable_order()->set_order_discount_bp(500);
  for (int64_t id : products) {
    sales::OrderLine& line = *five_lines.mutable_order()->add_lines();
    line.set_product_id(id);
    line.set_quantity_milli(2500);
    line.set_discount_bp(300);
  }
  Latencies create;
  const auto stop_at = Clock::now() + std::chrono::seconds(seconds);
  const double create_s = RunCallers(
      create_threads, create,
      [&]() -> std::optional<bool> {
        sales::Order order;
        return stub->CreateOrder(Authorized(user).get(), five_lines, &order).ok();
      },
      [&] { return Clock::now() < stop_at; });
  const double create_rate = static_cast<double>(create.ms.size() - create.failed) / create_s;

  // 2. Confirmations of one hot product, all callers at once.
  std::vector<int64_t> drafts;
  sales::CreateOrderRequest one_unit;
  one_unit.mutable_order()->set_customer_id(customer_id);
  one_unit.mutable_order()->add_lines()->set_product_id(hot);
  one_unit.mutable_order()->mutable_lines(0)->set_quantity_milli(1000);
  for (int i = 0; i < confirm_orders; ++i) {
    sales::Order order;
    Check(stub->CreateOrder(Authorized(user).get(), one_unit, &order), "create a draft");
    drafts.push_back(order.id());
  }
  Latencies confirm;
  std::atomic<size_t> next{0};
  std::vector<std::shared_ptr<sales::SalesService::Stub>> clients;
  for (int i = 0; i < 4; ++i) {
    clients.push_back(sales::SalesService::NewStub(
        grpc::CreateCustomChannel(target, grpc::InsecureChannelCredentials(), args)));
  }
  const double confirm_s = RunCallers(
      confirm_threads, confirm,
      [&]() -> std::optional<bool> {
        const size_t i = next.fetch_add(1);
        if (i >= drafts.size()) return std::nullopt;
        sales::ConfirmOrderRequest request;
        request.set_id(drafts[i]);
        sales::Order order;
        return clients[i % clients.size()]
            ->ConfirmOrder(Authorized(user).get(), request, &order)
            .ok();
      },
      [&] { return next.load() < drafts.size(); });
  const double confirm_rate = static_cast<double>(drafts.size() - confirm.failed) / confirm_s;

  std::cout << absl::StrFormat(
      "RESULT create_per_s=%.0f create_p50_ms=%.2f create_p99_ms=%.2f confirm_per_s=%.0f "
      "confirm_p50_ms=%.2f confirm_p99_ms=%.2f failed=%d\n",
      create_rate, create.Percentile(0.5), create.Percentile(0.99), confirm_rate,
      confirm.Percentile(0.5), confirm.Percentile(0.99), create.failed + confirm.failed);
  return create.failed + confirm.failed == 0 ? 0 : 1;
}
