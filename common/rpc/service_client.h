// Calls from one CRM service to another. A call is made either on behalf of
// the caller being served (their identity passed on as received and signed
// for the method called, so the called service applies the caller's own
// permissions and visibility), or as
// the calling service itself ("system:<name>") for work nobody asked for
// (following a feed, reading settings). Either way the deadline is the
// caller's, capped, and the trace goes along. Errors are mapped once:
//  - what the called service said about the request (NOT_FOUND,
//    INVALID_ARGUMENT, ALREADY_EXISTS, FAILED_PRECONDITION, ABORTED,
//    OUT_OF_RANGE, and PERMISSION_DENIED for a caller's call) passes through;
//  - DEADLINE_EXCEEDED stays;
//  - everything else (the service down, refusing this service's own
//    identity, failing) is UNAVAILABLE naming the service and what was asked.
#pragma once

#include <grpcpp/client_context.h>
#include <grpcpp/support/status.h>

#include <chrono>
#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "common/base/deadline.h"
#include "common/rpc/call_context.h"
#include "common/rpc/channel_factory.h"
#include "common/rpc/dependency_budget.h"

namespace grpc {
class Channel;
}

namespace crm {

class IdentityKey;

class ServiceClient {
 public:
  // Who a call is made as, and by when it must be done.
  struct As {
    const CallContext* caller = nullptr;  // null: as this service
    Deadline deadline = Deadline::max();
  };
  // On behalf of the caller `call` serves, within its deadline.
  static As Caller(const CallContext& call) { return As{&call, call.deadline}; }
  // As this service, within `deadline` (none: the default timeout).
  static As Self(Deadline deadline = Deadline::max()) { return As{nullptr, deadline}; }

  // `target`: the called service's name for messages ("org"); `address`
  // and `options`: where it is and how to reach it (channel_factory.h); every
  // call's identity is signed with `key` for the method called; `self`: the
  // calling service's name from its own configuration ("customer").
  ServiceClient(std::string target, const std::string& address, ChannelOptions options,
                const IdentityKey& key, std::string self,
                std::chrono::milliseconds default_timeout = std::chrono::seconds(10));

  const std::shared_ptr<grpc::Channel>& channel() const { return channel_; }

  // Calls `(stub.*method)(context, request, &response)` as `as`; `what` names
  // what was asked in errors ("employees").
  template <typename Stub, typename Request, typename Response>
  absl::StatusOr<Response> Call(grpc::Status (Stub::*method)(grpc::ClientContext*, const Request&,
                                                             Response*),
                                Stub& stub, const Request& request, const As& as,
                                absl::string_view what) const {
    // A caller's call waits on a handler thread: bounded (dependency_budget.h).
    const DependencyBudget::Place place(as.caller != nullptr, as.deadline);
    if (!place.admitted()) return Busy(what);
    grpc::ClientContext context;
    Prepare(context, as);
    Response response;
    grpc::Status status = (stub.*method)(&context, request, &response);
    if (!status.ok()) return MapError(status, as, what);
    return response;
  }

  // The context of a call as `as` (for calls Call does not fit: streams).
  void Prepare(grpc::ClientContext& context, const As& as) const;
  // The status a failed call as `as` gives its caller (see above).
  absl::Status MapError(const grpc::Status& status, const As& as, absl::string_view what) const;
  // UNAVAILABLE: too many of this process's calls already wait on others.
  absl::Status Busy(absl::string_view what) const;

 private:
  const std::string target_;
  const std::shared_ptr<grpc::Channel> channel_;
  const std::string self_subject_;
  const std::chrono::milliseconds default_timeout_;
};

}  // namespace crm
