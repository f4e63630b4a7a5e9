// How the sales service checks the customer (and contact) a record names.
#pragma once

#include <cstdint>
#include <functional>

#include "absl/status/status.h"
#include "common/rpc/call_context.h"

namespace crm::sales {

// Whether the caller can see customer `customer_id` and, when `contact_id`
// is not 0, that contact is one of its: NOT_FOUND when not, UNAVAILABLE when
// the customer service cannot answer. In the process it asks the customer
// service on the caller's behalf (main.cc); tests may say which exist.
using CustomerCheck =
    std::function<absl::Status(const CallContext& call, int64_t customer_id, int64_t contact_id)>;

}  // namespace crm::sales
