// absl::Status helpers shared by every service: field validation errors that carry
// a google.rpc.BadRequest, and the conversion to grpc::Status at the RPC edge.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace grpc {
class Status;
}

namespace crm {

// Collects invalid fields of one request; ToStatus() is OK when there are none,
// else INVALID_ARGUMENT whose message names every field and whose payload is a
// google.rpc.BadRequest, so clients can point at the field programmatically.
class FieldViolations {
 public:
  void Add(std::string field, std::string description);
  bool empty() const { return violations_.empty(); }
  absl::Status ToStatus() const;

 private:
  std::vector<std::pair<std::string, std::string>> violations_;
};

// INVALID_ARGUMENT for a single field.
absl::Status InvalidField(std::string field, std::string description);

// The (field, description) pairs of a status made by FieldViolations; for
// any other error one pair with an empty field and the status message.
std::vector<std::pair<std::string, std::string>> FieldViolationsOf(const absl::Status& status);

// Why `status` failed, for clients to act on: a stable `reason`
// (UPPER_SNAKE_CASE, e.g. INSUFFICIENT_STOCK) and facts such as the id
// concerned. ToGrpcStatus sends it as a google.rpc.ErrorInfo (domain "crm"),
// and for FAILED_PRECONDITION also as a PreconditionFailure whose subject is
// `subject` (e.g. "product/12").
absl::Status WithErrorInfo(absl::Status status, absl::string_view reason,
                           std::vector<std::pair<std::string, std::string>> metadata = {},
                           absl::string_view subject = "");

// How long a client should wait before retrying `status` (RESOURCE_EXHAUSTED,
// UNAVAILABLE); ToGrpcStatus sends it as a google.rpc.RetryInfo.
absl::Status WithRetryDelay(absl::Status status, absl::Duration delay);

// The status a client sees. Code and message carry over; a BadRequest payload
// becomes the standard grpc-status-details-bin trailer, with the other
// standard details: every error carries an ErrorInfo (its reason, by default
// the code's name), FAILED_PRECONDITION a PreconditionFailure, and
// RESOURCE_EXHAUSTED and UNAVAILABLE a RetryInfo (1 s unless set). The
// message (768 bytes), each violation's field (100) and description (160)
// and their number (10) are bounded, cut at a character boundary with "…".
grpc::Status ToGrpcStatus(const absl::Status& status);

// `text` when it fits in `max_bytes`, else its longest UTF-8 prefix that
// does, followed by "…".
std::string TruncateUtf8(absl::string_view text, size_t max_bytes);

// Propagate a non-OK status to the caller.
#define CRM_RETURN_IF_ERROR(expr)               \
  do {                                          \
    if (absl::Status _st = (expr); !_st.ok()) { \
      return _st;                               \
    }                                           \
  } while (false)

#define CRM_CONCAT_INNER(a, b) a##b
#define CRM_CONCAT(a, b) CRM_CONCAT_INNER(a, b)
// Assigns the value of a StatusOr expression or returns its error.
#define CRM_ASSIGN_OR_RETURN(lhs, expr) \
  CRM_ASSIGN_OR_RETURN_IMPL(CRM_CONCAT(_status_or_, __LINE__), lhs, expr)
#define CRM_ASSIGN_OR_RETURN_IMPL(tmp, lhs, expr) \
  auto tmp = (expr);                              \
  if (!tmp.ok()) return tmp.status();             \
  lhs = std::move(tmp).value()

}  // namespace crm
