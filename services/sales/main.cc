// crm-sales: the sales service process.
#include "common/backend/backend_main.h"
#include "common/base/config.h"
#include "common/base/dates.h"
#include "common/clients/customer_client.h"
#include "common/clients/org_client.h"
#include "common/feed/owner_departments.h"
#include "common/rpc/channel_factory.h"
#include "common/rpc/tls_credentials.h"
#include "services/sales/sales_service.h"

namespace crm {
std::vector<MigrationFile> SalesMigrations();  // generated from migrations/
}

namespace {

// The tables whose owner department follows the org feed.
void ApplyOrgChange(crm::MySqlConnection& c, const crm::common::v1::Change& change) {
  crm::ApplyOwnerDepartmentChange(c, change,
                                  {{"orders"},
                                   {"opportunities"},
                                   {"contact_records"},
                                   {"quotes"},
                                   {"contracts"},
                                   {"campaigns"}});
}

// Approvers as the org service names them (ListApproversRequest).
crm::sales::FindApprovers ApproversFrom(std::shared_ptr<crm::OrgClient> org) {
  return
      [org](
          const crm::sales::v1::ApprovalStep& step, int64_t department_id,
          int64_t owner_employee_id) -> absl::StatusOr<std::vector<crm::sales::ResolvedApprover>> {
        crm::org::v1::ListApproversRequest request;
        request.set_department_id(department_id);
        request.set_levels_up(step.approver() == crm::sales::v1::HEAD_ABOVE ? 1 : 0);
        if (step.approver() == crm::sales::v1::NAMED_ROLE) request.set_role(step.role());
        request.set_exclude_employee_id(owner_employee_id);
        absl::StatusOr<std::vector<crm::org::v1::Employee>> found = org->ListApprovers(request);
        if (!found.ok()) return found.status();
        std::vector<crm::sales::ResolvedApprover> approvers;
        for (const crm::org::v1::Employee& e : *found) approvers.push_back({e.id(), e.name()});
        return approvers;
      };
}

}  // namespace

int main(int argc, char** argv) {
  crm::BackendSpec spec;
  spec.name = "sales";
  spec.default_port = 50062;
  spec.migrations = &crm::SalesMigrations;
  spec.make_services =
      [](crm::BackendContext& context) -> absl::StatusOr<std::vector<crm::BackendService>> {
    crm::Config& config = context.config;
    const std::string customer_address = config.GetString(
        "customer-addr", "127.0.0.1:50061",
        "the customer service: the customers and contacts orders name, as the caller sees them");
    const std::string org_address = config.GetString(
        "org-addr", "127.0.0.1:50064", "the org service: its change feed (where each owner works)");
    const auto feed_interval = std::chrono::milliseconds(
        config.GetInt("org-feed-interval-ms", 2000, "how often the org feed is read (0: never)"));
    absl::StatusOr<absl::TimeZone> zone = crm::LoadZone(config.GetString(
        "time-zone", "Asia/Shanghai", "the company's time zone (order numbers and dates)"));
    const int stale_days = static_cast<int>(config.GetInt(
        "stale-opportunity-days", 30,
        "days without a follow-up after which an open opportunity is listed as stale"));
    if (stale_days < 1) {
      return absl::InvalidArgumentError("stale-opportunity-days: must be at least 1");
    }
    const crm::InternalTlsSettings internal_tls = crm::ReadInternalTlsSettings(config);
    if (!zone.ok()) return zone.status();
    absl::StatusOr<std::shared_ptr<const crm::ChannelTls>> tls = crm::LoadChannelTls(internal_tls);
    if (!tls.ok()) return tls.status();

    crm::ChannelOptions channel;
    channel.tls = *tls;
    auto customers = std::make_shared<crm::CustomerClient>(customer_address, channel,
                                                           context.identity_key, context.name);
    auto org =
        std::make_shared<crm::OrgClient>(org_address, channel, context.identity_key, context.name);
    context.resources.push_back(customers);
    context.resources.push_back(org);
    if (feed_interval.count() > 0) {
      context.workers.push_back(std::make_unique<crm::FeedConsumer>(
          "org", context.db, org->Feed(), &ApplyOrgChange, feed_interval, context.clock));
    }
    crm::sales::SalesServiceDeps deps{crm::CheckCustomersWith(*customers), *zone, stale_days};
    deps.find_approvers = ApproversFrom(org);
    std::vector<crm::BackendService> services;
    services.push_back({std::make_unique<crm::sales::SalesServiceImpl>(context.db, context.methods,
                                                                       std::move(deps)),
                        crm::sales::v1::SalesService::service_full_name()});
    return services;
  };
  return crm::RunBackend(argc, argv, spec);
}
