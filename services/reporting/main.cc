// crm-reporting: the reporting service process. It serves its change feed; the business
// methods arrive with their issues.
#include "common/feed/change_feed.h"
#include "crm/reporting/v1/reporting_service.grpc.pb.h"

namespace crm {
std::vector<MigrationFile> ReportingMigrations();  // generated from migrations/
}

int main(int argc, char** argv) {
  return crm::RunBackend(argc, argv,
                         crm::ChangeLogOnlySpec<crm::reporting::v1::ReportingService>(
                             "reporting", 50065, &crm::ReportingMigrations));
}
