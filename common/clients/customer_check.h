// How a service checks the customer (and contact) a record of its names,
// without depending on how: in the process it asks the customer service on
// the caller's behalf (CheckCustomersWith, customer_client.h); tests may say
// which customers exist.
#pragma once

#include <cstdint>
#include <functional>

#include "absl/status/status.h"
#include "common/rpc/call_context.h"

namespace crm {

// Whether the caller can see customer `customer_id` and, when `contact_id`
// is not 0, that contact is one of its: NOT_FOUND when not, INVALID_ARGUMENT
// when the contact belongs to another customer, UNAVAILABLE when the
// customer service cannot answer.
using CustomerCheck =
    std::function<absl::Status(const CallContext& call, int64_t customer_id, int64_t contact_id)>;

}  // namespace crm
