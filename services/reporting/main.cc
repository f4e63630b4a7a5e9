// crm-reporting: the reporting service process. It follows the org,
// customer, sales and feedback change feeds into its read model and answers
// reports from it.
#include "common/backend/backend_main.h"
#include "common/base/config.h"
#include "common/base/dates.h"
#include "common/clients/customer_client.h"
#include "common/clients/feedback_client.h"
#include "common/clients/org_client.h"
#include "common/clients/sales_client.h"
#include "common/rpc/channel_factory.h"
#include "common/rpc/tls_credentials.h"
#include "services/reporting/read_model.h"
#include "services/reporting/reporting_service.h"
#include "services/reporting/rollup_restorer.h"

namespace crm {
std::vector<MigrationFile> ReportingMigrations();  // generated from migrations/
}

int main(int argc, char** argv) {
  crm::BackendSpec spec;
  spec.name = "reporting";
  spec.default_port = 50065;
  spec.migrations = &crm::ReportingMigrations;
  spec.make_services =
      [](crm::BackendContext& context) -> absl::StatusOr<std::vector<crm::BackendService>> {
    crm::Config& config = context.config;
    const std::string org_address =
        config.GetString("org-addr", "127.0.0.1:50064", "the org service: its change feed");
    const std::string customer_address = config.GetString("customer-addr", "127.0.0.1:50061",
                                                          "the customer service: its change feed");
    const std::string sales_address =
        config.GetString("sales-addr", "127.0.0.1:50062", "the sales service: its change feed");
    const std::string feedback_address = config.GetString("feedback-addr", "127.0.0.1:50063",
                                                          "the feedback service: its change feed");
    const auto feed_interval = std::chrono::milliseconds(
        config.GetInt("feed-interval-ms", 1000, "how often each change feed is read (0: never)"));
    absl::StatusOr<absl::TimeZone> zone = crm::LoadZone(config.GetString(
        "time-zone", "Asia/Shanghai", "the company's time zone (report days and buckets)"));
    if (!zone.ok()) return zone.status();
    const crm::InternalTlsSettings internal_tls = crm::ReadInternalTlsSettings(config);
    absl::StatusOr<std::shared_ptr<const crm::ChannelTls>> tls = crm::LoadChannelTls(internal_tls);
    if (!tls.ok()) return tls.status();

    crm::ChannelOptions channel;
    channel.tls = *tls;
    auto org =
        std::make_shared<crm::OrgClient>(org_address, channel, context.identity_key, context.name);
    auto customers = std::make_shared<crm::CustomerClient>(customer_address, channel,
                                                           context.identity_key, context.name);
    auto sales = std::make_shared<crm::SalesClient>(sales_address, channel, context.identity_key,
                                                    context.name);
    auto feedback = std::make_shared<crm::FeedbackClient>(feedback_address, channel,
                                                          context.identity_key, context.name);
    auto model = std::make_shared<crm::reporting::ReadModel>(*zone);
    context.resources.push_back(org);
    context.resources.push_back(customers);
    context.resources.push_back(sales);
    context.resources.push_back(feedback);
    context.resources.push_back(model);

    const std::map<std::string, crm::FeedConsumer::Fetch> fetches = {
        {"org", org->Feed()},
        {"customer", customers->Feed()},
        {"sales", sales->Feed()},
        {"feedback", feedback->Feed()}};
    std::map<std::string, const crm::FeedProgress*> progress;
    if (feed_interval.count() > 0) {
      for (const std::string& feed : crm::reporting::FeedNames()) {
        auto consumer = std::make_unique<crm::FeedConsumer>(feed, context.db, fetches.at(feed),
                                                            model->ApplyFor(feed), feed_interval,
                                                            context.clock);
        consumer->OnPageApplied(crm::reporting::ReadModel::RecordPositionOf(feed));
        progress[feed] = &consumer->progress();
        context.workers.push_back(std::move(consumer));
      }
      context.workers.push_back(std::make_unique<crm::reporting::RollupRestorer>(
          context.db, *progress.at("customer"), *progress.at("sales"), feed_interval,
          context.clock));
    }
    std::vector<crm::BackendService> services;
    crm::reporting::ReportingServiceImpl::Deps deps{std::move(progress), *zone, sales, customers};
    services.push_back({std::make_unique<crm::reporting::ReportingServiceImpl>(
                            context.db, context.methods, std::move(deps)),
                        crm::reporting::v1::ReportingService::service_full_name()});
    return services;
  };
  return crm::RunBackend(argc, argv, spec);
}
