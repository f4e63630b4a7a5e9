// Client channels between services, and context propagation for downstream calls.
#pragma once

#include <memory>
#include <string>

#include "common/rpc/call_context.h"

namespace grpc {
class Channel;
class ClientContext;
}  // namespace grpc

namespace crm {

class IdentityKey;
struct ChannelTls;

struct ChannelOptions {
  int keepalive_time_ms = 30000;
  int keepalive_timeout_ms = 10000;
  // gRPC's retry machinery (including transparent retries of refused streams).
  // The gateway turns it off: it costs about a tenth of proxy throughput, and
  // the servers' two-step GOAWAY leaves no refused stream to retry.
  bool enable_retries = true;
  // Channels with different slots never share a connection; give each of
  // several channels to one target its own slot to spread calls over
  // several connections (and so over the server's threads).
  int slot = 0;
  // TLS to the target (internal-tls); nullptr: plaintext. Shared by every
  // channel of a process, read once at start-up (LoadChannelTls).
  std::shared_ptr<const ChannelTls> tls;
  // Signs the identity header of every call for its method (identity_signing.h);
  // null: calls carry what their caller attached (the gateway signs itself).
  const IdentityKey* sign_identities = nullptr;
};

// A target without a scheme ("customer:50061") is resolved with dns:///, and
// calls are balanced per call (round_robin) over every address the name has:
// with a headless Kubernetes Service that is every pod. A target with a scheme
// ("ipv4:127.0.0.1:50061,127.0.0.1:50071", "unix:…", "dns:///…") is used as is.
// Each address is health-checked (grpc.health.v1 Watch, service ""): a server
// that starts draining reports NOT_SERVING and gets no new calls from then on,
// so none arrives in the instant it shuts down (gRPC cancels those).
std::shared_ptr<grpc::Channel> MakeChannel(const std::string& target,
                                           const ChannelOptions& options = {});

// The target gRPC is given: "dns:///" + target unless it names a scheme.
std::string WithScheme(const std::string& target);

// Prepares `out` for a call made while serving `call`: the caller's deadline and
// request id travel with it.
void PropagateCallContext(const CallContext& call, grpc::ClientContext* out);

}  // namespace crm
