// crm-org: the org service process. It serves its change feed; the business
// methods arrive with their issues.
#include "common/backend_main.h"
#include "common/change_feed.h"
#include "crm/org/v1/org_service.grpc.pb.h"

namespace crm {
std::vector<MigrationFile> OrgMigrations();  // generated from migrations/
}

int main(int argc, char** argv) {
  using Generated = crm::org::v1::OrgService;
  crm::BackendSpec spec;
  spec.name = "org";
  spec.default_port = 50064;
  spec.migrations = &crm::OrgMigrations;
  spec.make_services = [](crm::BackendContext& context) {
    std::vector<crm::BackendService> services;
    services.push_back({std::make_unique<crm::ChangeFeedOnlyService<Generated::AsyncService>>(
                            context.db, context.methods),
                        Generated::service_full_name()});
    return services;
  };
  return crm::RunBackend(argc, argv, spec);
}
