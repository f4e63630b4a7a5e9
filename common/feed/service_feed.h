// Reading another service's change feed over gRPC, for a FeedConsumer.
#pragma once

#include <memory>

#include "common/feed/feed_consumer.h"
#include "common/rpc/service_client.h"
#include "crm/common/v1/changes.pb.h"

namespace crm {

// A FeedConsumer::Fetch that calls `Stub`'s ListChanges through `client`, as
// the calling service itself. `client` must outlive the consumer.
template <typename Stub>
FeedConsumer::Fetch ServiceFeed(const ServiceClient& client, std::shared_ptr<Stub> stub) {
  return [&client, stub](int64_t after,
                         int page_size) -> absl::StatusOr<common::v1::ListChangesResponse> {
    common::v1::ListChangesRequest request;
    request.set_after_sequence(after);
    request.set_page_size(page_size);
    return client.Call(&Stub::ListChanges, *stub, request, ServiceClient::Self(), "change feed");
  };
}

}  // namespace crm
