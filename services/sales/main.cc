// crm-sales: the sales service process. It serves its change feed; the business
// methods arrive with their issues.
#include "common/backend_main.h"
#include "common/change_feed.h"
#include "crm/sales/v1/sales_service.grpc.pb.h"

namespace crm {
std::vector<MigrationFile> SalesMigrations();  // generated from migrations/
}

int main(int argc, char** argv) {
  using Generated = crm::sales::v1::SalesService;
  crm::BackendSpec spec;
  spec.name = "sales";
  spec.default_port = 50062;
  spec.migrations = &crm::SalesMigrations;
  spec.make_services = [](crm::BackendContext& context) {
    std::vector<crm::BackendService> services;
    services.push_back({std::make_unique<crm::ChangeFeedOnlyService<Generated::AsyncService>>(
                            context.db, context.methods),
                        Generated::service_full_name()});
    return services;
  };
  return crm::RunBackend(argc, argv, spec);
}
