// SalesClient on ServiceClient.
#include "common/clients/sales_client.h"

#include <grpcpp/channel.h>

#include "common/feed/service_feed.h"

namespace crm {

SalesClient::SalesClient(const std::string& address, ChannelOptions options, const IdentityKey& key,
                         std::string self)
    : client_("sales", address, std::move(options), key, std::move(self)),
      stub_(sales::v1::SalesService::NewStub(client_.channel())) {}

absl::StatusOr<sales::v1::ListMyRemindersResponse> SalesClient::ListMyReminders(
    const CallContext& call, const sales::v1::ListMyRemindersRequest& request) const {
  return client_.Call(&sales::v1::SalesService::Stub::ListMyReminders, *stub_, request,
                      ServiceClient::Caller(call), "reminders");
}

FeedConsumer::Fetch SalesClient::Feed() const { return ServiceFeed(client_, stub_); }

}  // namespace crm
