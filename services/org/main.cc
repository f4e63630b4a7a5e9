// crm-org: the org service process. It serves its change feed; the business
// methods arrive with their issues.
#include "common/change_feed.h"
#include "crm/org/v1/org_service.grpc.pb.h"

namespace crm {
std::vector<MigrationFile> OrgMigrations();  // generated from migrations/
}

int main(int argc, char** argv) {
  return crm::RunBackend(
      argc, argv,
      crm::ChangeFeedOnlySpec<crm::org::v1::OrgService>("org", 50064, &crm::OrgMigrations));
}
