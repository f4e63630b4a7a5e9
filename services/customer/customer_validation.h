// Request validation and update-mask handling for customers.
#pragma once

#include <string>

#include "absl/status/status.h"
#include "services/customer/grade_policy.h"

namespace google::protobuf {
class FieldMask;
}
namespace crm::customer::v1 {
class Customer;
}

namespace crm::customer {

struct CreateDefaults {
  GradeThresholds thresholds;  // an unset grade becomes the suggested one
  std::string today;           // an unset joined date becomes this day
};

// Trims and normalises text fields and fills defaults (status FOLLOWING_UP,
// importance NORMAL, country 中国, the suggested grade or else POTENTIAL,
// joined today) for a new customer; clears output-only fields.
void PrepareForCreate(v1::Customer& customer, const CreateDefaults& defaults);

// Checks every field of a complete customer; field paths are prefixed with
// `prefix` ("customer.name"). References (region, city, dictionary codes)
// are checked against the database by ReferenceData.
absl::Status ValidateCustomer(const v1::Customer& customer, const std::string& prefix);

// Copies the fields named by `mask` from `patch` into `target` (see
// UpdateCustomerRequest.update_mask), normalised as on create.
// INVALID_ARGUMENT for unknown or output-only paths.
absl::Status ApplyUpdateMask(const google::protobuf::FieldMask& mask, const v1::Customer& patch,
                             v1::Customer& target);


// A tax ID as stored: trimmed, upper case.
std::string NormalizeTaxId(const std::string& tax_id);

}  // namespace crm::customer
