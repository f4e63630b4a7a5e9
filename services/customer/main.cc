// crm-customer: the customer service process.
#include "common/backend/backend_main.h"
#include "common/base/config.h"
#include "common/base/dates.h"
#include "common/clients/feedback_client.h"
#include "common/clients/org_client.h"
#include "common/rpc/channel_factory.h"
#include "common/rpc/tls_credentials.h"
#include "services/customer/complaint_events.h"
#include "services/customer/customer_service.h"
#include "services/customer/duplicate_key_backfill.h"
#include "services/customer/owner_department_sync.h"
#include "services/customer/search_indexer.h"

namespace crm {
std::vector<MigrationFile> CustomerMigrations();  // generated from migrations/
}

int main(int argc, char** argv) {
  using crm::OrgClient;
  using crm::customer::GradePolicy;
  crm::BackendSpec spec;
  spec.name = "customer";
  spec.default_port = 50061;
  spec.migrations = &crm::CustomerMigrations;
  spec.make_services =
      [](crm::BackendContext& context) -> absl::StatusOr<std::vector<crm::BackendService>> {
    crm::Config& config = context.config;
    const std::string org_address =
        config.GetString("org-addr", "127.0.0.1:50064",
                         "the org service: employees, system parameters, and its change feed");
    const auto feed_interval = std::chrono::milliseconds(
        config.GetInt("org-feed-interval-ms", 2000, "how often the org feed is read (0: never)"));
    const std::string feedback_address = config.GetString(
        "feedback-addr", "127.0.0.1:50063",
        "the feedback service: its change feed (complaints become customer events)");
    const auto feedback_interval = std::chrono::milliseconds(config.GetInt(
        "feedback-feed-interval-ms", 2000, "how often the feedback feed is read (0: never)"));
    const auto settings_interval = std::chrono::milliseconds(config.GetInt(
        "settings-refresh-ms", 30000,
        "how often the grade thresholds are re-read from the system parameters (0: never)"));
    const auto index_interval = std::chrono::milliseconds(config.GetInt(
        "search-index-interval-ms", 200,
        "how often the search index takes in new changes (0: never; searches then miss them)"));
    absl::StatusOr<absl::TimeZone> zone = crm::LoadZone(config.GetString(
        "time-zone", "Asia/Shanghai", "the company's time zone (joined dates, care reminders)"));
    const crm::InternalTlsSettings internal_tls = crm::ReadInternalTlsSettings(config);
    if (!zone.ok()) return zone.status();
    absl::StatusOr<std::shared_ptr<const crm::ChannelTls>> org_tls =
        crm::LoadChannelTls(internal_tls);
    if (!org_tls.ok()) return org_tls.status();

    crm::ChannelOptions org_channel;
    org_channel.tls = *org_tls;
    auto org =
        std::make_shared<OrgClient>(org_address, org_channel, context.identity_key, context.name);
    auto grades = std::make_shared<GradePolicy>(
        [org = org.get()] { return org->ListSystemParameters(); }, settings_interval);
    auto loads = std::make_shared<crm::customer::BulkLoads>();
    auto feedback = std::make_shared<crm::FeedbackClient>(feedback_address, org_channel,
                                                          context.identity_key, context.name);
    context.resources.push_back(org);
    context.resources.push_back(feedback);
    context.resources.push_back(grades);
    context.resources.push_back(loads);
    if (feed_interval.count() > 0) {
      context.workers.push_back(std::make_unique<crm::FeedConsumer>("org", context.db, org->Feed(),
                                                                    &crm::customer::ApplyOrgChange,
                                                                    feed_interval, context.clock));
    }
    if (feedback_interval.count() > 0) {
      context.workers.push_back(std::make_unique<crm::FeedConsumer>(
          "feedback", context.db, feedback->Feed(), &crm::customer::ApplyFeedbackChange,
          feedback_interval, context.clock));
    }
    if (index_interval.count() > 0) {
      context.workers.push_back(std::make_unique<crm::customer::SearchIndexer>(
          context.db, context.clock, index_interval, loads.get()));
    }
    // Rows written before the duplicate keys existed get theirs (retried
    // every 10 s until it goes through once).
    context.workers.push_back(std::make_unique<crm::customer::DuplicateKeyBackfill>(
        context.db, std::chrono::seconds(10)));
    std::vector<crm::BackendService> services;
    services.push_back(
        {std::make_unique<crm::customer::CustomerServiceImpl>(
             context.db, context.methods,
             crm::customer::CustomerServiceDeps{org.get(), grades.get(), *zone, loads.get()}),
         crm::customer::v1::CustomerService::service_full_name()});
    return services;
  };
  return crm::RunBackend(argc, argv, spec);
}
