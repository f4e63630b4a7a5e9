// crm-customer: the customer service process.
#include <cstdio>

#include "common/backend/backend_main.h"
#include "common/base/config.h"
#include "common/base/dates.h"
#include "common/clients/feedback_client.h"
#include "common/clients/org_client.h"
#include "common/clients/sales_client.h"
#include "common/rpc/channel_factory.h"
#include "common/rpc/tls_credentials.h"
#include "services/customer/complaint_events.h"
#include "services/customer/customer_service.h"
#include "services/customer/duplicate_key_backfill.h"
#include "services/customer/owner_department_sync.h"
#include "services/customer/pool_recycle_handlers.h"
#include "services/customer/sales_follow_ups.h"
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
    const std::string sales_address = config.GetString(
        "sales-addr", "127.0.0.1:50062",
        "the sales service: its change feed (follow-ups and wins, for the pool's recycle)");
    const auto sales_interval = std::chrono::milliseconds(config.GetInt(
        "sales-feed-interval-ms", 2000, "how often the sales feed is read (0: never)"));
    const std::string recycle_time =
        config.GetString("pool-recycle-time", "02:00",
                         "when the daily pool recycle runs, HH:MM in the company's time zone");
    const auto recycle_check = std::chrono::milliseconds(config.GetInt(
        "pool-recycle-check-ms", 60000,
        "how often the recycle worker checks whether the day's run is due (0: never)"));
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
    absl::Duration recycle_at;
    int hours = 0, minutes = 0;
    if (std::sscanf(recycle_time.c_str(), "%2d:%2d", &hours, &minutes) != 2 || hours < 0 ||
        hours > 23 || minutes < 0 || minutes > 59 || recycle_time.size() != 5) {
      return absl::InvalidArgumentError("pool-recycle-time: must be HH:MM, 00:00 to 23:59");
    }
    recycle_at = absl::Hours(hours) + absl::Minutes(minutes);
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
    auto sales = std::make_shared<crm::SalesClient>(sales_address, org_channel,
                                                    context.identity_key, context.name);
    context.resources.push_back(sales);
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
    if (sales_interval.count() > 0) {
      context.workers.push_back(std::make_unique<crm::FeedConsumer>(
          "sales", context.db, sales->Feed(), &crm::customer::ApplySalesChange, sales_interval,
          context.clock));
    }
    if (recycle_check.count() > 0) {
      context.workers.push_back(std::make_unique<crm::customer::PoolRecycleScheduler>(
          context.db, *zone, context.clock, recycle_at, recycle_check));
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
