// W3C trace context (https://www.w3.org/TR/trace-context/): the gateway accepts
// a caller's `traceparent` or starts a trace, and every hop passes it on with
// a span id of its own, so one request can be followed across the services'
// logs by its trace id.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "absl/strings/string_view.h"

namespace grpc {
class ClientContext;
}

namespace crm {

inline constexpr char kTraceParentHeader[] = "traceparent";

struct TraceParent {
  std::string trace_id;  // 32 lowercase hex digits, not all zero
  std::string span_id;   // 16 lowercase hex digits, not all zero
  uint8_t flags = 0;     // bit 0: sampled

  // "00-<trace_id>-<span_id>-<flags>"
  std::string Format() const;
  // The same trace with a new span id: what this hop sends on.
  TraceParent Child() const;
};

// A valid version-00 header (or a later version's first four fields, as the
// specification asks); nullopt for anything malformed.
std::optional<TraceParent> ParseTraceParent(absl::string_view header);
TraceParent NewTrace();

// While alive, calls made on this thread carry a child of `trace`
// (AttachTraceParent); the handlers' downstream calls need not pass it along.
class ScopedTrace {
 public:
  explicit ScopedTrace(const TraceParent* trace);
  ~ScopedTrace();
  ScopedTrace(const ScopedTrace&) = delete;
  ScopedTrace& operator=(const ScopedTrace&) = delete;

 private:
  const TraceParent* previous_;
};

// Adds a child of the thread's current trace to an outgoing call (nothing
// when there is none).
void AttachTraceParent(grpc::ClientContext* context);

}  // namespace crm
