// Update masks, one rule for every service (AIP-134):
//  - a path names a mutable field, and only that field changes;
//  - "*" changes every mutable field (a full replace: an unset field clears it);
//  - an empty mask changes every mutable field the request sets to a value
//    other than its default (so clearing a field needs the field's path);
//  - a path that is not a mutable field is INVALID_ARGUMENT naming update_mask
//    (fields that exist but cannot be updated are told apart from unknown ones),
//    and nothing changes.
// A message's mutable fields are a MaskFields table: how to copy each from
// the request, and whether the request sets it.
#pragma once

#include <google/protobuf/field_mask.pb.h>

#include <functional>
#include <map>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "common/base/status_util.h"
#include "common/text/text_checks.h"

namespace crm {

// A mutable field by update-mask path: how to copy it from a patch
// (normalised), and whether a patch sets it (for an implied mask).
template <typename Message>
struct MaskField {
  std::function<void(const Message& from, Message& to)> copy;
  std::function<bool(const Message&)> is_set;
};

template <typename Message>
using MaskFields = std::map<std::string, MaskField<Message>>;

// A text field, trimmed on the way in; set when not empty.
template <typename Message>
MaskField<Message> TextField(const std::string& (Message::*get)() const,
                             std::string* (Message::*mutable_field)()) {
  return {[get, mutable_field](const Message& from, Message& to) {
            *(to.*mutable_field)() = TrimText((from.*get)());
          },
          [get](const Message& m) { return !(m.*get)().empty(); }};
}

// A text field copied as written (layout-bearing text, or text checked
// strictly afterwards, like dates); set when not empty.
template <typename Message>
MaskField<Message> VerbatimTextField(const std::string& (Message::*get)() const,
                                     std::string* (Message::*mutable_field)()) {
  return {[get, mutable_field](const Message& from, Message& to) {
            *(to.*mutable_field)() = (from.*get)();
          },
          [get](const Message& m) { return !(m.*get)().empty(); }};
}

// A scalar field (number, bool, enum); set when not its default (0, false).
template <typename Message, typename T>
MaskField<Message> ScalarField(T (Message::*get)() const, void (Message::*set)(T)) {
  return {[get, set](const Message& from, Message& to) { (to.*set)((from.*get)()); },
          [get](const Message& m) { return (m.*get)() != T{}; }};
}

// A message field (a Money, say), copied whole; set when present.
template <typename Message, typename Field>
MaskField<Message> MessageField(bool (Message::*has)() const, const Field& (Message::*get)() const,
                                Field* (Message::*mutable_field)()) {
  return {[has, get, mutable_field](const Message& from, Message& to) {
            if ((from.*has)()) {
              *(to.*mutable_field)() = (from.*get)();
            } else {
              (to.*mutable_field)()->Clear();
            }
          },
          [has](const Message& m) { return (m.*has)(); }};
}

// Copies the fields named by `mask` from `patch` into `target`: an empty mask
// means every field the patch sets, "*" every mutable field. A path that is
// not in `fields` is INVALID_ARGUMENT naming update_mask (output-only and
// fixed fields are told apart from unknown ones).
template <typename Message>
absl::Status ApplyMask(const google::protobuf::FieldMask& mask, const MaskFields<Message>& fields,
                       const Message& patch, Message& target) {
  if (mask.paths_size() == 0) {
    for (const auto& [path, field] : fields) {
      if (field.is_set(patch)) field.copy(patch, target);
    }
    return absl::OkStatus();
  }
  FieldViolations v;
  for (const std::string& path : mask.paths()) {
    if (path == "*") {
      for (const auto& [p, field] : fields) field.copy(patch, target);
      continue;
    }
    auto it = fields.find(path);
    if (it != fields.end()) {
      it->second.copy(patch, target);
    } else if (Message::descriptor()->FindFieldByName(path) != nullptr) {
      v.Add("update_mask", absl::StrCat("field '", path, "' cannot be updated"));
    } else {
      v.Add("update_mask", absl::StrCat("unknown field '", path, "'"));
    }
  }
  return v.ToStatus();
}

}  // namespace crm
