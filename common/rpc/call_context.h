// What a handler knows about the call it serves, passed down to repositories.
#pragma once

#include <cstdint>
#include <string>

#include "absl/time/time.h"
#include "common/auth/permissions.h"
#include "common/base/clock.h"
#include "common/base/deadline.h"
#include "common/rpc/trace_context.h"

namespace crm {

// The verified caller (see common/identity.h); empty for an open method called
// without a credential.
struct Caller {
  std::string subject;  // "user:42", "service:3"
  int64_t user_id = 0;
  int64_t employee_id = 0;  // 0: not an employee (service accounts, some admins)
  int64_t department_id = 0;
  std::string department_path;  // "/1/4/"
  std::string display_name;
  RoleSet roles = 0;

  bool authenticated() const { return !subject.empty(); }
  bool Has(Role role) const { return (roles & Bit(role)) != 0; }
};

// The client's address as the gateway saw it, passed to backends (client-sent
// x-crm-* headers never pass the gateway).
inline constexpr char kClientAddressHeader[] = "x-crm-client-address";

struct CallContext {
  std::string method;      // e.g. "CreateCustomer"
  std::string request_id;  // from x-request-id (the gateway always sets one)
  // The client's address through the gateway ("10.0.0.7"); empty for a call
  // made to a backend directly.
  std::string client_address;
  Caller caller;
  // Recorded in change rows: the caller's subject, or "anonymous".
  std::string actor = "anonymous";
  Deadline deadline = Deadline::max();  // the caller's deadline on the steady clock
  // The wall clock this call's business rules read (base/clock.h): the
  // server's injected clock; a test's own.
  const Clock* clock = &Clock::System();
  // The caller's trace (traceparent), or one started here for a direct call.
  TraceParent trace;
  // The caller's identity as received (verified), passed on to downstream
  // calls, where it is signed again for the method they call.
  std::string identity_header;

  absl::Time Now() const { return clock->Now(); }
};

}  // namespace crm
