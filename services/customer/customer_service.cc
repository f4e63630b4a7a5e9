// CustomerServiceImpl: method registration.
#include "services/customer/customer_service.h"

#include "common/async_streams.h"
#include "common/change_feed.h"

namespace crm::customer {
namespace {

// Methods whose handlers are not written yet answer UNIMPLEMENTED.
template <typename Request, typename Response>
UnaryHandler<Request, Response> NotYet() {
  return [](const CallContext&, const Request&, Response*) {
    return absl::UnimplementedError("not implemented yet");
  };
}

}  // namespace

CustomerServiceImpl::CustomerServiceImpl(Database& db, AsyncMethods& methods,
                                         CustomerServiceDeps deps)
    : customers_(db),
      moves_(db),
      reference_(db),
      customer_handlers_(customers_, *deps.grades, deps.zone),
      pool_handlers_(moves_, *deps.org, *deps.grades),
      reference_handlers_(reference_),
      search_(db),
      search_handlers_(search_, *deps.grades),
      contacts_(db),
      care_reminders_(db),
      events_(db),
      competitors_(db),
      contact_handlers_(contacts_, care_reminders_, deps.zone),
      event_handlers_(events_),
      competitor_handlers_(competitors_),
      bulk_handlers_(db, customers_, contacts_, *deps.grades, deps.zone, deps.loads) {
  using Self = CustomerServiceImpl;
  ServiceMethods m = methods.ForService(v1::CustomerService::service_full_name());

  CustomerHandlers* c = &customer_handlers_;
  m.AddUnary(this, &Self::RequestCreateCustomer, "CreateCustomer", c,
             &CustomerHandlers::CreateCustomer);
  m.AddUnary(this, &Self::RequestGetCustomer, "GetCustomer", c, &CustomerHandlers::GetCustomer);
  m.AddUnary(this, &Self::RequestLookupCustomer, "LookupCustomer", c,
             &CustomerHandlers::LookupCustomer);
  m.AddUnary(this, &Self::RequestUpdateCustomer, "UpdateCustomer", c,
             &CustomerHandlers::UpdateCustomer);
  m.AddUnary(this, &Self::RequestDeleteCustomer, "DeleteCustomer", c,
             &CustomerHandlers::DeleteCustomer);
  m.AddUnary(this, &Self::RequestListCustomers, "ListCustomers", c,
             &CustomerHandlers::ListCustomers);
  m.AddUnary(this, &Self::RequestSearchCustomers, "SearchCustomers", &search_handlers_,
             &SearchHandlers::SearchCustomers);

  PoolHandlers* p = &pool_handlers_;
  m.AddUnary(this, &Self::RequestClaimCustomer, "ClaimCustomer", p, &PoolHandlers::ClaimCustomer);
  m.AddUnary(this, &Self::RequestReleaseCustomer, "ReleaseCustomer", p,
             &PoolHandlers::ReleaseCustomer);
  m.AddUnary(this, &Self::RequestAssignCustomer, "AssignCustomer", p,
             &PoolHandlers::AssignCustomer);
  m.AddUnary(this, &Self::RequestTransferCustomer, "TransferCustomer", p,
             &PoolHandlers::TransferCustomer);
  m.AddUnary(this, &Self::RequestShareCustomer, "ShareCustomer", p, &PoolHandlers::ShareCustomer);
  m.AddUnary(this, &Self::RequestUnshareCustomer, "UnshareCustomer", p,
             &PoolHandlers::UnshareCustomer);
  m.AddUnary(this, &Self::RequestRestoreCustomer, "RestoreCustomer", p,
             &PoolHandlers::RestoreCustomer);
  m.AddUnary(this, &Self::RequestPurgeCustomer, "PurgeCustomer", p, &PoolHandlers::PurgeCustomer);

  BulkHandlers* b = &bulk_handlers_;
  AddClientStream<Self>(
      m, this, &Self::RequestImportCustomers, "ImportCustomers",
      ClientStreamFactory<v1::ImportCustomersRequest, v1::ImportCustomersResponse>(
          [b](const CallContext& call) { return b->StartImport(call); }));
  AddServerStream<Self>(
      m, this, &Self::RequestExportCustomers, "ExportCustomers",
      ServerStreamFactory<v1::ExportCustomersRequest, v1::ExportCustomersResponse>(
          [b](const CallContext& call, const v1::ExportCustomersRequest& request) {
            return b->StartExport(call, request);
          }));

  ReferenceHandlers* r = &reference_handlers_;
  m.AddUnary(this, &Self::RequestListRegions, "ListRegions", r, &ReferenceHandlers::ListRegions);
  m.AddUnary(this, &Self::RequestCreateRegion, "CreateRegion", r,
             &ReferenceHandlers::CreateRegion);
  m.AddUnary(this, &Self::RequestRenameRegion, "RenameRegion", r,
             &ReferenceHandlers::RenameRegion);
  m.AddUnary(this, &Self::RequestListCities, "ListCities", r, &ReferenceHandlers::ListCities);
  m.AddUnary(this, &Self::RequestCreateCity, "CreateCity", r, &ReferenceHandlers::CreateCity);
  m.AddUnary(this, &Self::RequestRenameCity, "RenameCity", r, &ReferenceHandlers::RenameCity);
  m.AddUnary(this, &Self::RequestListDictionaryEntries, "ListDictionaryEntries", r,
             &ReferenceHandlers::ListDictionaryEntries);
  m.AddUnary(this, &Self::RequestCreateDictionaryEntry, "CreateDictionaryEntry", r,
             &ReferenceHandlers::CreateDictionaryEntry);
  m.AddUnary(this, &Self::RequestRenameDictionaryEntry, "RenameDictionaryEntry", r,
             &ReferenceHandlers::RenameDictionaryEntry);
  m.AddUnary(this, &Self::RequestRetireDictionaryEntry, "RetireDictionaryEntry", r,
             &ReferenceHandlers::RetireDictionaryEntry);

  // [contacts] (R5, R8)
  ContactHandlers* k = &contact_handlers_;
  m.AddUnary(this, &Self::RequestCreateContact, "CreateContact", k,
             &ContactHandlers::CreateContact);
  m.AddUnary(this, &Self::RequestGetContact, "GetContact", k, &ContactHandlers::GetContact);
  m.AddUnary(this, &Self::RequestUpdateContact, "UpdateContact", k,
             &ContactHandlers::UpdateContact);
  m.AddUnary(this, &Self::RequestDeleteContact, "DeleteContact", k,
             &ContactHandlers::DeleteContact);
  m.AddUnary(this, &Self::RequestListContacts, "ListContacts", k, &ContactHandlers::ListContacts);
  m.AddUnary(this, &Self::RequestSetPrimaryContact, "SetPrimaryContact", k,
             &ContactHandlers::SetPrimaryContact);
  m.AddUnary(this, &Self::RequestListCareReminders, "ListCareReminders", k,
             &ContactHandlers::ListCareReminders);
  // [events] (R8)
  EventHandlers* e = &event_handlers_;
  m.AddUnary(this, &Self::RequestCreateCustomerEvent, "CreateCustomerEvent", e,
             &EventHandlers::CreateCustomerEvent);
  m.AddUnary(this, &Self::RequestDeleteCustomerEvent, "DeleteCustomerEvent", e,
             &EventHandlers::DeleteCustomerEvent);
  m.AddUnary(this, &Self::RequestListCustomerEvents, "ListCustomerEvents", e,
             &EventHandlers::ListCustomerEvents);
  // [competitors] (R6)
  CompetitorHandlers* x = &competitor_handlers_;
  m.AddUnary(this, &Self::RequestCreateCompetitor, "CreateCompetitor", x,
             &CompetitorHandlers::CreateCompetitor);
  m.AddUnary(this, &Self::RequestGetCompetitor, "GetCompetitor", x,
             &CompetitorHandlers::GetCompetitor);
  m.AddUnary(this, &Self::RequestUpdateCompetitor, "UpdateCompetitor", x,
             &CompetitorHandlers::UpdateCompetitor);
  m.AddUnary(this, &Self::RequestListCompetitors, "ListCompetitors", x,
             &CompetitorHandlers::ListCompetitors);

  AddChangeLogMethods(m, this, db);
}

}  // namespace crm::customer
