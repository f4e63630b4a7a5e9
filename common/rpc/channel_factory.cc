// Channel creation with keepalive, per-call load balancing and optional TLS.
#include "common/rpc/channel_factory.h"

#include <grpcpp/client_context.h>
#include <grpcpp/create_channel.h>
#include <grpcpp/security/credentials.h>
#include <grpcpp/support/channel_arguments.h>

#include "common/base/request_id.h"
#include "common/rpc/identity_signing.h"
#include "common/rpc/tls_credentials.h"

namespace crm {

std::shared_ptr<grpc::Channel> MakeChannel(const std::string& target,
                                           const ChannelOptions& options) {
  grpc::ChannelArguments args;
  args.SetServiceConfigJSON(
      R"({"loadBalancingConfig":[{"round_robin":{}}],"healthCheckConfig":{"serviceName":""}})");
  args.SetInt("crm.channel_slot", options.slot);  // differing args: no shared subchannel
  args.SetInt(GRPC_ARG_ENABLE_RETRIES, options.enable_retries ? 1 : 0);
  args.SetInt(GRPC_ARG_KEEPALIVE_TIME_MS, options.keepalive_time_ms);
  args.SetInt(GRPC_ARG_KEEPALIVE_TIMEOUT_MS, options.keepalive_timeout_ms);
  args.SetInt(GRPC_ARG_KEEPALIVE_PERMIT_WITHOUT_CALLS, 1);
  // Fail fast when a backend is down instead of waiting a long backoff.
  args.SetInt(GRPC_ARG_INITIAL_RECONNECT_BACKOFF_MS, 200);
  args.SetInt(GRPC_ARG_MAX_RECONNECT_BACKOFF_MS, 2000);
  args.SetMaxReceiveMessageSize(64 * 1024 * 1024);
  // Targets are often IP addresses or per-pod names that no certificate
  // lists: the override names what the servers' certificates do carry.
  if (options.tls != nullptr && !options.tls->server_name.empty()) {
    args.SetSslTargetNameOverride(options.tls->server_name);
  }
  if (options.sign_identities == nullptr) {
    return grpc::CreateCustomChannel(WithScheme(target), MakeChannelCredentials(options.tls.get()),
                                     args);
  }
  std::vector<std::unique_ptr<grpc::experimental::ClientInterceptorFactoryInterface>> signers;
  signers.push_back(MakeIdentitySigner(*options.sign_identities));
  return grpc::experimental::CreateCustomChannelWithInterceptors(
      WithScheme(target), MakeChannelCredentials(options.tls.get()), args, std::move(signers));
}

std::string WithScheme(const std::string& target) {
  for (const char* scheme : {"dns:", "ipv4:", "ipv6:", "unix:", "unix-abstract:"}) {
    if (target.rfind(scheme, 0) == 0) return target;
  }
  return target.find("://") == std::string::npos ? "dns:///" + target : target;
}

void PropagateCallContext(const CallContext& call, grpc::ClientContext* out) {
  if (call.deadline != Deadline::max()) {
    auto remaining = call.deadline - std::chrono::steady_clock::now();
    out->set_deadline(std::chrono::system_clock::now() +
                      std::chrono::duration_cast<std::chrono::system_clock::duration>(remaining));
  }
  out->AddMetadata(kRequestIdHeader, call.request_id);
  if (!call.trace.trace_id.empty())
    out->AddMetadata(kTraceParentHeader, call.trace.Child().Format());
}

}  // namespace crm
