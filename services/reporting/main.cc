// crm-reporting: the reporting service process. It serves its change feed; the business
// methods arrive with their issues.
#include "common/backend_main.h"
#include "common/change_feed.h"
#include "crm/reporting/v1/reporting_service.grpc.pb.h"

namespace crm {
std::vector<MigrationFile> ReportingMigrations();  // generated from migrations/
}

int main(int argc, char** argv) {
  using Generated = crm::reporting::v1::ReportingService;
  crm::BackendSpec spec;
  spec.name = "reporting";
  spec.default_port = 50065;
  spec.migrations = &crm::ReportingMigrations;
  spec.make_services = [](crm::BackendContext& context) {
    std::vector<crm::BackendService> services;
    services.push_back({std::make_unique<crm::ChangeFeedOnlyService<Generated::AsyncService>>(
                            context.db, context.methods),
                        Generated::service_full_name()});
    return services;
  };
  return crm::RunBackend(argc, argv, spec);
}
