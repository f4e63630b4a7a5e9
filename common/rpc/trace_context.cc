// traceparent parsing, formatting and the thread's current trace.
#include "common/rpc/trace_context.h"

#include <grpcpp/client_context.h>

#include <random>

#include "absl/strings/str_format.h"

namespace crm {
namespace {

thread_local const TraceParent* current_trace = nullptr;

bool IsLowerHex(absl::string_view text) {
  for (char c : text) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

bool AllZero(absl::string_view text) {
  return text.find_first_not_of('0') == absl::string_view::npos;
}

std::string RandomHex(size_t digits) {
  thread_local std::mt19937_64 engine{std::random_device{}()};
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  while (out.size() < digits) {
    uint64_t bits = engine();
    for (int i = 0; i < 16 && out.size() < digits; ++i, bits >>= 4) out += kHex[bits & 0xf];
  }
  if (AllZero(out)) out.back() = '1';
  return out;
}

}  // namespace

std::string TraceParent::Format() const {
  return absl::StrFormat("00-%s-%s-%02x", trace_id, span_id, flags);
}

TraceParent TraceParent::Child() const { return TraceParent{trace_id, RandomHex(16), flags}; }

std::optional<TraceParent> ParseTraceParent(absl::string_view header) {
  // version(2) - trace-id(32) - parent-id(16) - flags(2) = 55 characters.
  if (header.size() < 55 || header[2] != '-' || header[35] != '-' || header[52] != '-') {
    return std::nullopt;
  }
  const absl::string_view version = header.substr(0, 2);
  const absl::string_view trace_id = header.substr(3, 32);
  const absl::string_view span_id = header.substr(36, 16);
  const absl::string_view flags = header.substr(53, 2);
  if (!IsLowerHex(version) || version == "ff" || !IsLowerHex(trace_id) || !IsLowerHex(span_id) ||
      !IsLowerHex(flags) || AllZero(trace_id) || AllZero(span_id)) {
    return std::nullopt;
  }
  // Version 00 is exactly 55 characters; a later version may append fields.
  if (version == "00" ? header.size() != 55 : header.size() > 55 && header[55] != '-') {
    return std::nullopt;
  }
  return TraceParent{std::string(trace_id), std::string(span_id),
                     static_cast<uint8_t>(std::stoi(std::string(flags), nullptr, 16))};
}

TraceParent NewTrace() { return TraceParent{RandomHex(32), RandomHex(16), 0}; }

ScopedTrace::ScopedTrace(const TraceParent* trace) : previous_(current_trace) {
  current_trace = trace;
}

ScopedTrace::~ScopedTrace() { current_trace = previous_; }

void AttachTraceParent(grpc::ClientContext* context) {
  if (current_trace != nullptr)
    context->AddMetadata(kTraceParentHeader, current_trace->Child().Format());
}

}  // namespace crm
