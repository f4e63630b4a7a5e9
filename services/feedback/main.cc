// crm-feedback: the feedback service process. It serves its change feed; the business
// methods arrive with their issues.
#include "common/feed/change_feed.h"
#include "crm/feedback/v1/feedback_service.grpc.pb.h"

namespace crm {
std::vector<MigrationFile> FeedbackMigrations();  // generated from migrations/
}

int main(int argc, char** argv) {
  return crm::RunBackend(argc, argv,
                         crm::ChangeLogOnlySpec<crm::feedback::v1::FeedbackService>(
                             "feedback", 50063, &crm::FeedbackMigrations));
}
