// Routing by package.
#include "services/gateway/backend_router.h"

#include <gtest/gtest.h>

namespace crm::gateway {
namespace {

TEST(RouteKeyTest, TakesTheServiceSegmentOfCrmPackages) {
  EXPECT_EQ(RouteKey("/crm.customer.v1.CustomerService/GetCustomer"), "customer");
  EXPECT_EQ(RouteKey("/crm.org.v2.OrgService/Login"), "org");
  EXPECT_EQ(RouteKey("/grpc.health.v1.Health/Check"), "");
  EXPECT_EQ(RouteKey("/crm.nodot/Method"), "");
  EXPECT_EQ(RouteKey("crm.customer.v1.CustomerService/GetCustomer"), "");
}

TEST(BackendRouterTest, RoutesToTheNamedBackendOnly) {
  BackendRouter router;
  router.AddBackend("customer", "127.0.0.1:1", 2);
  router.AddBackend("sales", "127.0.0.1:2", 1);
  const Backend* customer = router.Route("/crm.customer.v1.CustomerService/GetCustomer");
  ASSERT_NE(customer, nullptr);
  EXPECT_EQ(customer->name, "customer");
  EXPECT_EQ(customer->stubs.size(), 2u);
  EXPECT_NE(customer->NextStub(), customer->NextStub());
  EXPECT_EQ(router.Route("/crm.sales.v1.SalesService/ListChanges")->name, "sales");
  EXPECT_EQ(router.Route("/crm.billing.v1.BillingService/Pay"), nullptr);
}

}  // namespace
}  // namespace crm::gateway
