// gRPC server reflection (grpc.reflection.v1 and v1alpha) on the async API,
// answered from the descriptors compiled into the binary and listing the
// services we choose. The gateway needs the choice: it forwards the CRM
// services without registering them, so the stock plugin would not list them.
#pragma once

#include <set>
#include <string>
#include <vector>

#include "grpc/reflection/v1/reflection.grpc.pb.h"
#include "grpc/reflection/v1alpha/reflection.grpc.pb.h"

namespace grpc {
class ServerBuilder;
class ServerCompletionQueue;
}  // namespace grpc

namespace crm {

// Answers the requests of one reflection stream. A file already sent on the
// stream is not sent again (clients cache what they got).
class ReflectionResponder {
 public:
  // `services` (full names) is what list_services returns; it must outlive this.
  explicit ReflectionResponder(const std::vector<std::string>& services) : services_(services) {}

  void Answer(const grpc::reflection::v1::ServerReflectionRequest& request,
              grpc::reflection::v1::ServerReflectionResponse* response);
  void Answer(const grpc::reflection::v1alpha::ServerReflectionRequest& request,
              grpc::reflection::v1alpha::ServerReflectionResponse* response);

 private:
  template <typename Request, typename Response>
  void AnswerAny(const Request& request, Response* response);

  const std::vector<std::string>& services_;
  std::set<std::string> sent_;
};

class ReflectionServices {
 public:
  // `services`: full names to list; health and reflection are added.
  explicit ReflectionServices(std::vector<std::string> services);
  void Register(grpc::ServerBuilder& builder);
  // Posts the first accepts on a queue.
  void Prime(grpc::ServerCompletionQueue* cq);

 private:
  const std::vector<std::string> services_;
  grpc::reflection::v1::ServerReflection::AsyncService v1_;
  grpc::reflection::v1alpha::ServerReflection::AsyncService v1alpha_;
};

}  // namespace crm
