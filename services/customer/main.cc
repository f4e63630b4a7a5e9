// crm-customer: the customer service process.
#include "common/backend_main.h"
#include "common/channel_factory.h"
#include "common/config.h"
#include "services/customer/customer_service.h"
#include "services/customer/owner_department_sync.h"

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
    const std::string org = context.config.GetString(
        "org-addr", "127.0.0.1:50064", "the org service, whose feed keeps owners' departments");
    const auto interval = std::chrono::milliseconds(context.config.GetInt(
        "org-feed-interval-ms", 2000, "how often the org feed is read (0: never)"));
    if (interval.count() > 0) {
      context.feeds.push_back(std::make_unique<crm::FeedConsumer>(
          "org", context.db, crm::customer::OrgFeed(crm::MakeChannel(org), context.identity_key),
          &crm::customer::ApplyOrgChange, interval));
    }
    std::vector<crm::BackendService> services;
    services.push_back(
        {std::make_unique<crm::customer::CustomerServiceImpl>(context.db, context.methods),
         crm::customer::v1::CustomerService::service_full_name()});
    return services;
  };
  return crm::RunBackend(argc, argv, spec);
}
