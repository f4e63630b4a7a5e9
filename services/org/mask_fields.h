// MaskField makers for the org service's messages, besides common's
// TextField (which trims): a text kept as written, and a scalar (number,
// bool, enum) set when not its default.
#pragma once

#include <string>

#include "common/rpc/update_mask.h"

namespace crm::org {

// A text field copied as written (layout-bearing text, dates checked
// strictly afterwards); set when not empty.
template <typename Message>
MaskField<Message> VerbatimTextField(const std::string& (Message::*get)() const,
                                     std::string* (Message::*mutable_field)()) {
  return {[get, mutable_field](const Message& from, Message& to) {
            *(to.*mutable_field)() = (from.*get)();
          },
          [get](const Message& m) { return !(m.*get)().empty(); }};
}

// A scalar field; set when not its default (0, false).
template <typename Message, typename T>
MaskField<Message> ScalarField(T (Message::*get)() const, void (Message::*set)(T)) {
  return {[get, set](const Message& from, Message& to) { (to.*set)((from.*get)()); },
          [get](const Message& m) { return (m.*get)() != T{}; }};
}

}  // namespace crm::org
