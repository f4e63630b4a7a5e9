// crm-sales: the sales service process. It serves its change feed; the business
// methods arrive with their issues.
#include "common/feed/change_feed.h"
#include "crm/sales/v1/sales_service.grpc.pb.h"

namespace crm {
std::vector<MigrationFile> SalesMigrations();  // generated from migrations/
}

int main(int argc, char** argv) {
  return crm::RunBackend(
      argc, argv,
      crm::ChangeLogOnlySpec<crm::sales::v1::SalesService>("sales", 50062, &crm::SalesMigrations));
}
