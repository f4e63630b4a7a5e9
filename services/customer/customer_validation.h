// Request validation and update-mask handling for customers.
#pragma once

#include <string>

#include "absl/status/status.h"

namespace google::protobuf {
class FieldMask;
}
namespace crm::customer::v1 {
class Customer;
}

namespace crm::customer {

// Trims text fields and fills defaults (status FOLLOWING_UP, grade POTENTIAL)
// for a new customer; clears output-only fields.
void PrepareForCreate(v1::Customer& customer);

// Checks every field of a complete customer; field paths are prefixed with
// `prefix` ("customer.name"). Region existence is checked by the repository.
absl::Status ValidateCustomer(const v1::Customer& customer, const std::string& prefix);

// Copies the fields named by `mask` from `patch` into `target` (see
// UpdateCustomerRequest.update_mask). INVALID_ARGUMENT for unknown or
// immutable paths.
absl::Status ApplyUpdateMask(const google::protobuf::FieldMask& mask, const v1::Customer& patch,
                             v1::Customer& target);

// For request ids used to make creates idempotent.
absl::Status ValidateCreateRequestId(const std::string& request_id);

}  // namespace crm::customer
