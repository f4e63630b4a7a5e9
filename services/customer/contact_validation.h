// Request validation and update-mask handling for contacts.
#pragma once

#include <string>

#include "absl/status/status.h"

namespace google::protobuf {
class FieldMask;
}
namespace crm::customer::v1 {
class Contact;
}

namespace crm::customer {

inline constexpr int kMaxAnniversaries = 10;

// Keeps only the fields a client may set on a new contact (customer_id and
// the mutable ones), normalised: text trimmed.
void PrepareContactForCreate(v1::Contact& contact);

// Checks every field of a complete contact; field paths are prefixed with
// `prefix` ("contact.mobile_phone"). INVALID_ARGUMENT naming every bad field.
absl::Status ValidateContact(const v1::Contact& contact, const std::string& prefix);

// Copies the fields named by `mask` from `patch` into `target` (see
// UpdateContactRequest.update_mask), normalised as on create.
// INVALID_ARGUMENT naming update_mask for unknown, output-only or fixed
// (customer_id) paths.
absl::Status ApplyContactMask(const google::protobuf::FieldMask& mask, const v1::Contact& patch,
                              v1::Contact& target);

}  // namespace crm::customer
