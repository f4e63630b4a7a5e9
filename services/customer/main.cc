// crm-customer: the customer service process.
#include "common/backend_main.h"
#include "services/customer/customer_service.h"

namespace crm {
std::vector<MigrationFile> CustomerMigrations();  // generated from migrations/
}

int main(int argc, char** argv) {
  crm::BackendSpec spec;
  spec.name = "customer";
  spec.default_port = 50061;
  spec.migrations = &crm::CustomerMigrations;
  spec.make_services =
      [](crm::BackendContext& context) -> absl::StatusOr<std::vector<crm::BackendService>> {
    std::vector<crm::BackendService> services;
    services.push_back(
        {std::make_unique<crm::customer::CustomerServiceImpl>(context.db, context.methods),
         crm::customer::v1::CustomerService::service_full_name()});
    return services;
  };
  return crm::RunBackend(argc, argv, spec);
}
