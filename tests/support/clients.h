// Small helpers for tests that call the system over gRPC.
#pragma once

#include <grpcpp/channel.h>
#include <grpcpp/client_context.h>
#include <grpcpp/create_channel.h>
#include <grpcpp/generic/generic_stub.h>

#include <chrono>
#include <future>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace crm::testing {

inline std::shared_ptr<grpc::Channel> Connect(const std::string& address) {
  return grpc::CreateChannel(address, grpc::InsecureChannelCredentials());
}

// A client context with a deadline (tests never wait forever).
inline std::unique_ptr<grpc::ClientContext> Context(
    std::chrono::milliseconds timeout = std::chrono::seconds(10)) {
  auto context = std::make_unique<grpc::ClientContext>();
  context->set_deadline(std::chrono::system_clock::now() + timeout);
  return context;
}

// Calls `method` ("/pkg.Service/Method") with `body` as the serialized
// request, whatever it holds, and the given metadata; the response's bytes go
// to `response_bytes` when given.
inline grpc::Status CallRaw(const std::shared_ptr<grpc::Channel>& channel,
                            const std::string& method,
                            const std::vector<std::pair<std::string, std::string>>& metadata,
                            const std::string& body = "", std::string* response_bytes = nullptr) {
  grpc::GenericStub stub(channel);
  grpc::Slice slice(body);
  grpc::ByteBuffer request(&slice, 1), response;
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
  for (const auto& [key, value] : metadata) context.AddMetadata(key, value);
  std::promise<grpc::Status> done;
  stub.UnaryCall(&context, method, grpc::StubOptions(), &request, &response,
                 [&](grpc::Status status) { done.set_value(status); });
  grpc::Status status = done.get_future().get();
  if (response_bytes != nullptr) {
    response_bytes->clear();
    std::vector<grpc::Slice> slices;
    if (status.ok() && response.Dump(&slices).ok()) {
      for (const grpc::Slice& s : slices) {
        response_bytes->append(reinterpret_cast<const char*>(s.begin()), s.size());
      }
    }
  }
  return status;
}

// A streaming call to `method` with raw messages: sends `bodies` one by one,
// half-closes, reads every response (their count goes to `responses` when
// given) and returns the call's status. One operation at a time, so a
// client-streaming, server-streaming or bidirectional method all work.
inline grpc::Status CallRawStream(const std::shared_ptr<grpc::Channel>& channel,
                                  const std::string& method,
                                  const std::vector<std::pair<std::string, std::string>>& metadata,
                                  const std::vector<std::string>& bodies,
                                  int* responses = nullptr) {
  grpc::GenericStub stub(channel);
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(30));
  for (const auto& [key, value] : metadata) context.AddMetadata(key, value);
  grpc::CompletionQueue queue;
  const auto wait = [&queue] {
    void* tag = nullptr;
    bool ok = false;
    queue.Next(&tag, &ok);
    return ok;
  };
  std::unique_ptr<grpc::GenericClientAsyncReaderWriter> call =
      stub.PrepareCall(&context, method, &queue);
  call->StartCall(nullptr);
  bool open = wait();
  for (size_t i = 0; open && i < bodies.size(); ++i) {
    grpc::Slice slice(bodies[i]);
    grpc::ByteBuffer message(&slice, 1);
    call->Write(message, nullptr);
    open = wait();
  }
  if (open) {
    call->WritesDone(nullptr);
    wait();
  }
  int count = 0;
  for (grpc::ByteBuffer response;; ++count) {
    call->Read(&response, nullptr);
    if (!wait()) break;
  }
  if (responses != nullptr) *responses = count;
  grpc::Status status;
  call->Finish(&status, nullptr);
  wait();
  queue.Shutdown();
  void* tag;
  bool ok;
  while (queue.Next(&tag, &ok)) {
  }
  return status;
}

}  // namespace crm::testing
