// What every backend handler gets around it: the call's context, a log scope
// carrying the request id, deadline and cancellation checks, outcome logging.
#pragma once

#include <functional>

#include "absl/status/status.h"
#include "common/call_context.h"

namespace grpc {
class ServerContextBase;
}

namespace crm {

// The CallContext of an incoming call: request id, deadline, identity.
CallContext MakeCallContext(const grpc::ServerContextBase& context, const char* method);

// Runs `handler` for the call unless its deadline passed while it waited, logs failures (server
// faults as errors, caller mistakes at debug) and slow calls, and returns the status to send.
absl::Status ServeCall(const grpc::ServerContextBase& context, const char* method,
                       const std::function<absl::Status(const CallContext&)>& handler);

}  // namespace crm
