// Channel creation with keepalive and per-call load balancing.
#include "common/channel_factory.h"

#include <grpcpp/client_context.h>
#include <grpcpp/create_channel.h>
#include <grpcpp/security/credentials.h>
#include <grpcpp/support/channel_arguments.h>

#include "common/request_id.h"

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
  return grpc::CreateCustomChannel(WithScheme(target), grpc::InsecureChannelCredentials(), args);
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
}

}  // namespace crm
