// Readiness and liveness answers of the health service's store.
#include <gtest/gtest.h>

#include "common/rpc/health_service.h"

namespace crm {
namespace {

using grpc::health::v1::HealthCheckResponse;

TEST(HealthStatusStoreTest, ReadinessFollowsServicesAndTurnsOffOnShutdown) {
  HealthStatusStore store;
  store.Set("crm.customer.v1.CustomerService", true);
  EXPECT_EQ(store.Get(""), HealthCheckResponse::SERVING);
  EXPECT_EQ(store.Get("crm.customer.v1.CustomerService"), HealthCheckResponse::SERVING);
  EXPECT_EQ(store.Get("crm.nothing.v1.Nothing"), HealthCheckResponse::SERVICE_UNKNOWN);
  store.Shutdown();
  EXPECT_EQ(store.Get(""), HealthCheckResponse::NOT_SERVING);
  EXPECT_EQ(store.Get("crm.customer.v1.CustomerService"), HealthCheckResponse::NOT_SERVING);
}

TEST(HealthStatusStoreTest, LivenessStaysServingWhileDrainingOrNotReady) {
  HealthStatusStore store;
  store.Set("crm.customer.v1.CustomerService", false);
  EXPECT_EQ(store.Get(kLivenessName), HealthCheckResponse::SERVING);
  store.Shutdown();
  EXPECT_EQ(store.Get(kLivenessName), HealthCheckResponse::SERVING);
}

TEST(HealthStatusStoreTest, ANotReadyProcessIsNotServingButAlive) {
  HealthStatusStore store;
  store.Set("crm.customer.v1.CustomerService", true);
  store.SetReady(false);
  EXPECT_EQ(store.Get(""), HealthCheckResponse::NOT_SERVING);
  EXPECT_EQ(store.Get("crm.customer.v1.CustomerService"), HealthCheckResponse::NOT_SERVING);
  EXPECT_EQ(store.Get(kLivenessName), HealthCheckResponse::SERVING);
  store.SetReady(true);
  EXPECT_EQ(store.Get(""), HealthCheckResponse::SERVING);
  EXPECT_EQ(store.Get("crm.customer.v1.CustomerService"), HealthCheckResponse::SERVING);
}

}  // namespace
}  // namespace crm
