// FeedbackClient on ServiceClient.
#include "common/clients/feedback_client.h"

#include <grpcpp/channel.h>

#include "common/feed/service_feed.h"

namespace crm {

FeedbackClient::FeedbackClient(const std::string& address, ChannelOptions options,
                               const IdentityKey& key, std::string self)
    : client_("feedback", address, std::move(options), key, std::move(self)),
      stub_(feedback::v1::FeedbackService::NewStub(client_.channel())) {}

FeedConsumer::Fetch FeedbackClient::Feed() const { return ServiceFeed(client_, stub_); }

}  // namespace crm
