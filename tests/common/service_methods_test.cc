// Method registration: one line per method, and the start-up check that
// every method of the service's proto is wired exactly once.
#include "common/rpc/service_methods.h"

#include <gtest/gtest.h>

#include "common/auth/identity.h"
#include "common/db/database.h"
#include "common/feed/change_feed.h"
#include "crm/reporting/v1/reporting_service.grpc.pb.h"

namespace crm {
namespace {

// The reporting service serves only its change log so far: two methods to
// wire (when it grows, these tests need a service that still has two).
using Reporting = reporting::v1::ReportingService;

// Handlers for the two change-log methods.
class FeedHandlers {
 public:
  absl::Status ListChanges(const CallContext&, const common::v1::ListChangesRequest&,
                           common::v1::ListChangesResponse*) {
    return absl::OkStatus();
  }
  absl::Status ListAuditEvents(const CallContext&, const common::v1::ListAuditEventsRequest&,
                               common::v1::ListAuditEventsResponse*) {
    return absl::OkStatus();
  }
};

class ReportingService : public Reporting::AsyncService {};

TEST(ServiceMethodsTest, EveryMethodWiredOnceIsComplete) {
  IdentityKey key;
  AsyncMethods methods(key);
  ReportingService service;
  FeedHandlers handlers;
  ServiceMethods<ReportingService> m(methods, &service, Reporting::service_full_name());
  CRM_METHOD(m, ListChanges, &handlers);
  CRM_METHOD(m, ListAuditEvents, &handlers);
  EXPECT_TRUE(methods.CheckComplete().ok()) << methods.CheckComplete();
}

TEST(ServiceMethodsTest, AMethodLeftUnwiredIsNamed) {
  IdentityKey key;
  AsyncMethods methods(key);
  ReportingService service;
  FeedHandlers handlers;
  ServiceMethods<ReportingService> m(methods, &service, Reporting::service_full_name());
  CRM_METHOD(m, ListChanges, &handlers);
  const absl::Status status = methods.CheckComplete();
  EXPECT_EQ(status.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_NE(
      status.message().find("crm.reporting.v1.ReportingService has no handler for ListAuditEvents"),
      absl::string_view::npos)
      << status;
}

TEST(ServiceMethodsTest, AMethodWiredTwiceIsNamed) {
  IdentityKey key;
  AsyncMethods methods(key);
  ReportingService service;
  FeedHandlers handlers;
  ServiceMethods<ReportingService> m(methods, &service, Reporting::service_full_name());
  CRM_METHOD(m, ListChanges, &handlers);
  CRM_METHOD(m, ListChanges, &handlers);
  CRM_METHOD(m, ListAuditEvents, &handlers);
  const absl::Status status = methods.CheckComplete();
  EXPECT_NE(status.message().find("ListChanges is registered 2 times"), absl::string_view::npos)
      << status;
}

TEST(ServiceMethodsTest, TheWrongServiceNameIsCaught) {
  IdentityKey key;
  AsyncMethods methods(key);
  ReportingService service;
  FeedHandlers handlers;
  ServiceMethods<ReportingService> m(methods, &service, "crm.reporting.v1.NoSuchService");
  CRM_METHOD(m, ListChanges, &handlers);
  CRM_METHOD(m, ListAuditEvents, &handlers);
  EXPECT_EQ(methods.CheckComplete().code(), absl::StatusCode::kFailedPrecondition);
}

TEST(ServiceMethodsTest, TheChangeLogOnlyServiceIsComplete) {
  IdentityKey key;
  AsyncMethods methods(key);
  MySqlPool pool(MySqlOptions{});  // never connects: nothing is served here
  Database db(pool);
  ChangeLogOnlyService<Reporting> service(db, methods);
  EXPECT_TRUE(methods.CheckComplete().ok()) << methods.CheckComplete();
}

}  // namespace
}  // namespace crm
