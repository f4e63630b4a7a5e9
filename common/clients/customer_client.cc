// CustomerClient on ServiceClient.
#include "common/clients/customer_client.h"

#include <grpcpp/channel.h>

namespace crm {

CustomerClient::CustomerClient(const std::string& address, ChannelOptions options,
                               const IdentityKey& key, std::string self)
    : client_("customer", address, std::move(options), key, std::move(self)),
      stub_(customer::v1::CustomerService::NewStub(client_.channel())) {}

absl::StatusOr<customer::v1::Customer> CustomerClient::GetCustomer(const CallContext& call,
                                                                   int64_t id) const {
  customer::v1::GetCustomerRequest request;
  request.set_id(id);
  return client_.Call(&customer::v1::CustomerService::Stub::GetCustomer, *stub_, request,
                      ServiceClient::Caller(call), "customers");
}

absl::StatusOr<customer::v1::Contact> CustomerClient::GetContact(const CallContext& call,
                                                                 int64_t id) const {
  customer::v1::GetContactRequest request;
  request.set_id(id);
  return client_.Call(&customer::v1::CustomerService::Stub::GetContact, *stub_, request,
                      ServiceClient::Caller(call), "contacts");
}

}  // namespace crm
