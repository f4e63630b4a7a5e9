// crm-feedback: the feedback service process. It serves its change feed; the business
// methods arrive with their issues.
#include "common/backend_main.h"
#include "common/change_feed.h"
#include "crm/feedback/v1/feedback_service.grpc.pb.h"

namespace crm {
std::vector<MigrationFile> FeedbackMigrations();  // generated from migrations/
}

int main(int argc, char** argv) {
  using Generated = crm::feedback::v1::FeedbackService;
  crm::BackendSpec spec;
  spec.name = "feedback";
  spec.default_port = 50063;
  spec.migrations = &crm::FeedbackMigrations;
  spec.make_services = [](crm::BackendContext& context) {
    std::vector<crm::BackendService> services;
    services.push_back({std::make_unique<crm::ChangeFeedOnlyService<Generated::AsyncService>>(
                            context.db, context.methods),
                        Generated::service_full_name()});
    return services;
  };
  return crm::RunBackend(argc, argv, spec);
}
