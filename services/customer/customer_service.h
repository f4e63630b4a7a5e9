// crm.customer.v1.CustomerService: wires each method to its handler.
#pragma once

#include <memory>

#include "absl/time/time.h"
#include "common/clients/org_client.h"
#include "common/feed/change_feed.h"
#include "common/rpc/async_methods.h"
#include "crm/customer/v1/customer_service.grpc.pb.h"
#include "services/customer/bulk_handlers.h"
#include "services/customer/bulk_loads.h"
#include "services/customer/care_reminders.h"
#include "services/customer/competitor_handlers.h"
#include "services/customer/competitor_repository.h"
#include "services/customer/contact_handlers.h"
#include "services/customer/contact_repository.h"
#include "services/customer/customer_handlers.h"
#include "services/customer/customer_repository.h"
#include "services/customer/duplicate_check.h"
#include "services/customer/event_handlers.h"
#include "services/customer/event_repository.h"
#include "services/customer/grade_policy.h"
#include "services/customer/pool_handlers.h"
#include "services/customer/pool_recycle.h"
#include "services/customer/pool_recycle_handlers.h"
#include "services/customer/pool_repository.h"
#include "services/customer/pool_rules.h"
#include "services/customer/reference_handlers.h"
#include "services/customer/reference_repository.h"
#include "services/customer/search_handlers.h"
#include "services/customer/search_repository.h"

namespace crm {
class Database;
}

namespace crm::customer {

// What the service needs besides the database.
struct CustomerServiceDeps {
  const OrgClient* org = nullptr;
  const GradePolicy* grades = nullptr;
  absl::TimeZone zone;         // the company's days (joined dates, care reminders)
  BulkLoads* loads = nullptr;  // imports mark themselves running here
};

class CustomerServiceImpl : public v1::CustomerService::AsyncService {
 public:
  // Registers every method's handler in `methods`.
  CustomerServiceImpl(Database& db, AsyncMethods& methods, CustomerServiceDeps deps);

 private:
  CustomerRepository customers_;
  PoolRepository pool_;
  ReferenceRepository reference_;
  CustomerHandlers customer_handlers_;
  PoolHandlers pool_handlers_;
  ReferenceHandlers reference_handlers_;
  SearchRepository search_;
  SearchHandlers search_handlers_;
  DuplicateCheck duplicate_check_;
  PoolRuleHandlers pool_rule_handlers_;
  PoolRecycler pool_recycler_;
  PoolRecycleHandlers pool_recycle_handlers_;
  ContactRepository contacts_;
  CareReminderQuery care_reminders_;
  EventRepository events_;
  CompetitorRepository competitors_;
  ContactHandlers contact_handlers_;
  EventHandlers event_handlers_;
  CompetitorHandlers competitor_handlers_;
  BulkHandlers bulk_handlers_;
  ChangeLogHandlers change_log_;
};

}  // namespace crm::customer
