// CustomerServiceImpl: method registration.
#include "services/customer/customer_service.h"

#include "common/feed/change_feed.h"
#include "common/rpc/service_methods.h"

namespace crm::customer {

CustomerServiceImpl::CustomerServiceImpl(Database& db, AsyncMethods& methods,
                                         CustomerServiceDeps deps)
    : customers_(db),
      pool_(db, deps.zone),
      reference_(db),
      customer_handlers_(customers_, *deps.grades, deps.zone),
      pool_handlers_(pool_, *deps.org, *deps.grades),
      reference_handlers_(reference_),
      search_(db),
      search_handlers_(search_, *deps.grades),
      duplicate_check_(db),
      pool_rule_handlers_(db),
      pool_recycler_(db, deps.zone),
      pool_recycle_handlers_(pool_recycler_, *deps.org),
      contacts_(db),
      care_reminders_(db),
      events_(db),
      competitors_(db),
      contact_handlers_(contacts_, care_reminders_, deps.zone),
      event_handlers_(events_),
      competitor_handlers_(competitors_),
      bulk_handlers_(db, customers_, contacts_, *deps.grades, deps.zone, deps.loads),
      change_log_(db) {
  ServiceMethods<CustomerServiceImpl> m(methods, this, v1::CustomerService::service_full_name());
  CustomerHandlers* c = &customer_handlers_;
  CRM_METHOD(m, CreateCustomer, c);
  CRM_METHOD(m, GetCustomer, c);
  CRM_METHOD(m, LookupCustomer, c);
  CRM_METHOD(m, UpdateCustomer, c);
  CRM_METHOD(m, DeleteCustomer, c);
  CRM_METHOD(m, ListCustomers, c);
  CRM_METHOD(m, SearchCustomers, &search_handlers_);
  CRM_METHOD(m, CheckDuplicates, &duplicate_check_);
  CRM_METHOD(m, SetPoolRule, &pool_rule_handlers_);
  CRM_METHOD(m, ListPoolRules, &pool_rule_handlers_);
  // The daily recycle (公海回收).
  PoolRecycleHandlers* recycle = &pool_recycle_handlers_;
  CRM_METHOD(m, RunPoolRecycle, recycle);
  CRM_METHOD(m, GetPoolRecycleRun, recycle);
  CRM_METHOD(m, ListPoolRecycles, recycle);
  CRM_METHOD(m, UndoPoolRecycle, recycle);
  CRM_METHOD(m, ListMyPoolWarnings, recycle);
  // The pool and moves between owners (R2, R3).
  PoolHandlers* p = &pool_handlers_;
  CRM_METHOD(m, ClaimCustomer, p);
  CRM_METHOD(m, ReleaseCustomer, p);
  CRM_METHOD(m, AssignCustomer, p);
  CRM_METHOD(m, TransferCustomer, p);
  CRM_METHOD(m, ShareCustomer, p);
  CRM_METHOD(m, UnshareCustomer, p);
  CRM_METHOD(m, RestoreCustomer, p);
  CRM_METHOD(m, PurgeCustomer, p);
  // Streams: import (client stream) and export (server stream) (R9).
  CRM_METHOD(m, ImportCustomers, &bulk_handlers_);
  CRM_METHOD(m, ExportCustomers, &bulk_handlers_);
  // Reference data: regions, cities, dictionaries.
  ReferenceHandlers* r = &reference_handlers_;
  CRM_METHOD(m, ListRegions, r);
  CRM_METHOD(m, CreateRegion, r);
  CRM_METHOD(m, RenameRegion, r);
  CRM_METHOD(m, ListCities, r);
  CRM_METHOD(m, CreateCity, r);
  CRM_METHOD(m, RenameCity, r);
  CRM_METHOD(m, ListDictionaryEntries, r);
  CRM_METHOD(m, CreateDictionaryEntry, r);
  CRM_METHOD(m, RenameDictionaryEntry, r);
  CRM_METHOD(m, RetireDictionaryEntry, r);
  // Contacts (R5, R8).
  ContactHandlers* k = &contact_handlers_;
  CRM_METHOD(m, CreateContact, k);
  CRM_METHOD(m, GetContact, k);
  CRM_METHOD(m, UpdateContact, k);
  CRM_METHOD(m, DeleteContact, k);
  CRM_METHOD(m, ListContacts, k);
  CRM_METHOD(m, SetPrimaryContact, k);
  CRM_METHOD(m, ListCareReminders, k);
  // Events (R8).
  CRM_METHOD(m, CreateCustomerEvent, &event_handlers_);
  CRM_METHOD(m, DeleteCustomerEvent, &event_handlers_);
  CRM_METHOD(m, ListCustomerEvents, &event_handlers_);
  // Competitors (R6).
  CompetitorHandlers* x = &competitor_handlers_;
  CRM_METHOD(m, CreateCompetitor, x);
  CRM_METHOD(m, GetCompetitor, x);
  CRM_METHOD(m, UpdateCompetitor, x);
  CRM_METHOD(m, ListCompetitors, x);
  AddChangeLogMethods(m, &change_log_);
}

}  // namespace crm::customer
