// CustomerClient on ServiceClient.
#include "common/clients/customer_client.h"

#include <grpcpp/channel.h>

#include "absl/strings/str_cat.h"
#include "common/feed/service_feed.h"

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

absl::StatusOr<customer::v1::ListCareRemindersResponse> CustomerClient::ListCareReminders(
    const CallContext& call, const customer::v1::ListCareRemindersRequest& request) const {
  return client_.Call(&customer::v1::CustomerService::Stub::ListCareReminders, *stub_, request,
                      ServiceClient::Caller(call), "care reminders");
}

absl::StatusOr<customer::v1::ListMyPoolWarningsResponse> CustomerClient::ListMyPoolWarnings(
    const CallContext& call) const {
  return client_.Call(&customer::v1::CustomerService::Stub::ListMyPoolWarnings, *stub_,
                      customer::v1::ListMyPoolWarningsRequest(), ServiceClient::Caller(call),
                      "pool warnings");
}

FeedConsumer::Fetch CustomerClient::Feed() const { return ServiceFeed(client_, stub_); }

absl::StatusOr<customer::v1::Contact> CustomerClient::GetContact(const CallContext& call,
                                                                 int64_t id) const {
  customer::v1::GetContactRequest request;
  request.set_id(id);
  return client_.Call(&customer::v1::CustomerService::Stub::GetContact, *stub_, request,
                      ServiceClient::Caller(call), "contacts");
}

CustomerCheck CheckCustomersWith(const CustomerClient& client) {
  return
      [&client](const CallContext& call, int64_t customer_id, int64_t contact_id) -> absl::Status {
        absl::StatusOr<customer::v1::Customer> customer = client.GetCustomer(call, customer_id);
        if (!customer.ok()) return customer.status();
        if (contact_id == 0) return absl::OkStatus();
        absl::StatusOr<customer::v1::Contact> contact = client.GetContact(call, contact_id);
        if (!contact.ok()) return contact.status();
        if (contact->customer_id() != customer_id) {
          return absl::InvalidArgumentError(absl::StrCat(
              "contact_id: contact ", contact_id, " is not a contact of customer ", customer_id));
        }
        return absl::OkStatus();
      };
}

}  // namespace crm
