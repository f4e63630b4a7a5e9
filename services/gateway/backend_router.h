// Which backend serves a method: routing by the method's package.
#pragma once

#include <atomic>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"

namespace grpc {
class Channel;
template <class R, class W>
class TemplatedGenericStub;
class ByteBuffer;
typedef TemplatedGenericStub<ByteBuffer, ByteBuffer> GenericStub;
}  // namespace grpc

namespace crm {
struct ChannelTls;
}  // namespace crm

namespace crm::gateway {

struct Backend {
  Backend();
  ~Backend();
  std::string name;    // "customer": serves the packages crm.customer.*
  std::string target;  // e.g. "dns:///customer:50061"
  // Several channels, each its own connection per backend address: calls
  // spread over them, and the backend spreads connections over its threads.
  std::vector<std::shared_ptr<grpc::Channel>> channels;
  std::vector<std::unique_ptr<grpc::GenericStub>> stubs;

  // The stub for the next call (round robin over connected channels).
  grpc::GenericStub* NextStub() const;

 private:
  mutable std::atomic<unsigned> next_{0};
};

// Maps "/crm.<name>.<version>.<Service>/<Method>" to the backend called <name>.
class BackendRouter {
 public:
  BackendRouter();
  ~BackendRouter();

  // `tls`: call the backend over TLS (internal-tls); nullptr: plaintext.
  void AddBackend(std::string name, std::string target, int channels,
                  std::shared_ptr<const ChannelTls> tls = nullptr);

  // The backend for a full method path, or nullptr if no backend serves it.
  const Backend* Route(absl::string_view method) const;

  const std::vector<std::unique_ptr<Backend>>& backends() const { return backends_; }

 private:
  std::vector<std::unique_ptr<Backend>> backends_;
};

// "/crm.customer.v1.CustomerService/GetCustomer" -> "customer"; empty when the
// path is not a CRM method.
absl::string_view RouteKey(absl::string_view method);

// Whether client metadata `key` reaches the backend as sent. Not: transport
// headers the gRPC stack sets itself, credentials (consumed by the gateway),
// the request id and traceparent (the gateway sets them), and the x-crm-*
// namespace, which only the gateway may set (the signed identity, the client
// address).
bool ForwardsClientHeader(absl::string_view key);

}  // namespace crm::gateway
