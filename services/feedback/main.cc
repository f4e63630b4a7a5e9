// crm-feedback: the service-feedback process.
#include "absl/strings/str_cat.h"
#include "common/backend/backend_main.h"
#include "common/base/config.h"
#include "common/base/dates.h"
#include "common/clients/customer_client.h"
#include "common/clients/org_client.h"
#include "common/feed/owner_departments.h"
#include "common/rpc/channel_factory.h"
#include "common/rpc/tls_credentials.h"
#include "services/feedback/feedback_service.h"
#include "services/feedback/sla_worker.h"

namespace crm {
std::vector<MigrationFile> FeedbackMigrations();  // generated from migrations/
}

namespace {

// The tables whose owner department follows the org feed.
void ApplyOrgChange(crm::MySqlConnection& c, const crm::common::v1::Change& change) {
  crm::ApplyOwnerDepartmentChange(
      c, change, {{"service_requests"}, {"appointments"}, {"implementation_records"}});
}

// An active employee, as the new owner of what is assigned to them.
crm::feedback::HandlerLookup FindHandlerWith(const crm::OrgClient& org) {
  return [&org](const crm::CallContext& call, int64_t employee_id) -> absl::StatusOr<crm::Owner> {
    absl::StatusOr<crm::org::v1::Employee> employee = org.GetEmployee(call, employee_id);
    if (!employee.ok()) return employee.status();
    if (employee->status() != crm::org::v1::EMPLOYEE_STATUS_ACTIVE) {
      return absl::FailedPreconditionError(
          absl::StrCat("employee ", employee_id, " has left: they can take no new work"));
    }
    return crm::Owner{employee->id(), employee->department_id(), employee->department_path()};
  };
}

}  // namespace

int main(int argc, char** argv) {
  crm::BackendSpec spec;
  spec.name = "feedback";
  spec.default_port = 50063;
  spec.migrations = &crm::FeedbackMigrations;
  spec.make_services =
      [](crm::BackendContext& context) -> absl::StatusOr<std::vector<crm::BackendService>> {
    crm::Config& config = context.config;
    const std::string customer_address = config.GetString(
        "customer-addr", "127.0.0.1:50061",
        "the customer service: the customers and contacts requests name, as the caller sees them");
    const std::string org_address = config.GetString(
        "org-addr", "127.0.0.1:50064",
        "the org service: the employees requests are assigned to, and its change feed");
    const auto feed_interval = std::chrono::milliseconds(
        config.GetInt("org-feed-interval-ms", 2000, "how often the org feed is read (0: never)"));
    const auto sla_interval = std::chrono::milliseconds(config.GetInt(
        "sla-check-interval-ms", 10000,
        "how often SLA escalations are fired and deadlines rescheduled after calendar edits"));
    const int64_t above_minutes = config.GetInt(
        "sla-escalate-above-minutes", 240,
        "working minutes after a breach at which the head of the department above is told");
    absl::StatusOr<absl::TimeZone> zone = crm::LoadZone(config.GetString(
        "time-zone", "Asia/Shanghai", "the company's time zone (the working calendar's)"));
    const crm::InternalTlsSettings internal_tls = crm::ReadInternalTlsSettings(config);
    if (!zone.ok()) return zone.status();
    if (sla_interval.count() < 10) {
      return absl::InvalidArgumentError("sla-check-interval-ms: must be at least 10");
    }
    if (above_minutes < 0 || above_minutes > 100000) {
      return absl::InvalidArgumentError("sla-escalate-above-minutes: must be 0 to 100,000");
    }
    absl::StatusOr<std::shared_ptr<const crm::ChannelTls>> tls = crm::LoadChannelTls(internal_tls);
    if (!tls.ok()) return tls.status();

    crm::ChannelOptions channel;
    channel.tls = *tls;
    auto customers = std::make_shared<crm::CustomerClient>(customer_address, channel,
                                                           context.identity_key, context.name);
    auto org =
        std::make_shared<crm::OrgClient>(org_address, channel, context.identity_key, context.name);
    auto requests = std::make_shared<crm::feedback::ServiceRequestRepository>(
        context.db, *zone, absl::Minutes(above_minutes));
    context.resources.push_back(customers);
    context.resources.push_back(org);
    context.resources.push_back(requests);
    if (feed_interval.count() > 0) {
      context.workers.push_back(std::make_unique<crm::FeedConsumer>(
          "org", context.db, org->Feed(), &ApplyOrgChange, feed_interval, context.clock));
    }
    context.workers.push_back(
        std::make_unique<crm::feedback::SlaWorker>(*requests, sla_interval, context.clock));
    std::vector<crm::BackendService> services;
    services.push_back({std::make_unique<crm::feedback::FeedbackServiceImpl>(
                            context.db, context.methods, *requests,
                            crm::feedback::FeedbackServiceDeps{crm::CheckCustomersWith(*customers),
                                                               FindHandlerWith(*org), *zone}),
                        crm::feedback::v1::FeedbackService::service_full_name()});
    return services;
  };
  return crm::RunBackend(argc, argv, spec);
}
