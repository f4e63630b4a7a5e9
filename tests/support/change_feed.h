// Reading the customer service's change feed in end-to-end tests.
#pragma once

#include <grpcpp/client_context.h>

#include <cstdint>
#include <functional>
#include <memory>

#include "crm/customer/v1/customer_service.grpc.pb.h"
#include "gtest/gtest.h"

namespace crm::testing {

// The latest sequence of the customer service's change log, paging through it
// with contexts from `context` (a caller allowed to read the feed).
inline int64_t LastCustomerChangeSequence(
    customer::v1::CustomerService::Stub& stub,
    const std::function<std::unique_ptr<grpc::ClientContext>()>& context) {
  common::v1::ListChangesRequest request;
  request.set_page_size(1000);
  int64_t cursor = 0;
  for (;;) {
    request.set_after_sequence(cursor);
    common::v1::ListChangesResponse response;
    EXPECT_TRUE(stub.ListChanges(context().get(), request, &response).ok());
    cursor = response.last_sequence();
    if (!response.has_more()) return cursor;
  }
}

}  // namespace crm::testing
