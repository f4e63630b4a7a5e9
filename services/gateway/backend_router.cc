// BackendRouter.
#include "services/gateway/backend_router.h"

#include <grpcpp/channel.h>
#include <grpcpp/generic/generic_stub.h>

#include "absl/strings/match.h"
#include "common/base/request_id.h"
#include "common/rpc/channel_factory.h"
#include "common/rpc/trace_context.h"

namespace crm::gateway {

absl::string_view RouteKey(absl::string_view method) {
  constexpr absl::string_view kPrefix = "/crm.";
  if (method.substr(0, kPrefix.size()) != kPrefix) return {};
  method.remove_prefix(kPrefix.size());
  size_t dot = method.find('.');
  size_t slash = method.find('/');
  if (dot == absl::string_view::npos || slash == absl::string_view::npos || dot > slash) return {};
  return method.substr(0, dot);
}

bool ForwardsClientHeader(absl::string_view key) {
  return !key.empty() && key[0] != ':' && !absl::StartsWith(key, "grpc-") &&
         !absl::StartsWith(key, "x-crm-") && key != "content-type" && key != "te" &&
         key != "user-agent" && key != "host" && key != "authorization" && key != "x-api-key" &&
         key != "accept-encoding" && key != kRequestIdHeader && key != kTraceParentHeader;
}

Backend::Backend() = default;
Backend::~Backend() = default;

grpc::GenericStub* Backend::NextStub() const {
  // Round robin over the channels that are connected: after a backend restarts,
  // a channel still waiting out its reconnect back-off would fail calls at once
  // while another has already reconnected. When none is ready, the call goes
  // to the next one anyway (and fails fast if the backend really is down).
  const size_t start = next_.fetch_add(1, std::memory_order_relaxed);
  for (size_t i = 0; i < channels.size(); ++i) {
    const size_t index = (start + i) % channels.size();
    if (channels[index]->GetState(/*try_to_connect=*/true) == GRPC_CHANNEL_READY) {
      return stubs[index].get();
    }
  }
  return stubs[start % stubs.size()].get();
}

BackendRouter::BackendRouter() = default;
BackendRouter::~BackendRouter() = default;

void BackendRouter::AddBackend(std::string name, std::string target, int channels,
                               std::shared_ptr<const ChannelTls> tls) {
  auto backend = std::make_unique<Backend>();
  backend->name = std::move(name);
  backend->target = std::move(target);
  ChannelOptions options;
  options.enable_retries = false;
  options.tls = std::move(tls);
  for (int i = 0; i < std::max(1, channels); ++i) {
    options.slot = i;
    backend->channels.push_back(MakeChannel(backend->target, options));
    backend->stubs.push_back(std::make_unique<grpc::GenericStub>(backend->channels.back()));
  }
  backends_.push_back(std::move(backend));
}

const Backend* BackendRouter::Route(absl::string_view method) const {
  absl::string_view key = RouteKey(method);
  if (key.empty()) return nullptr;
  for (const auto& backend : backends_) {
    if (backend->name == key) return backend.get();
  }
  return nullptr;
}

}  // namespace crm::gateway
