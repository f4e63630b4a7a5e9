// Downstream calls carry the caller's deadline and request id.
#include "common/rpc/channel_factory.h"

#include <grpcpp/generic/async_generic_service.h>
#include <grpcpp/generic/generic_stub.h>
#include <grpcpp/health_check_service_interface.h>
#include <grpcpp/server_builder.h>
#include <gtest/gtest.h>

#include <future>

namespace crm {
namespace {

// Answers every call with OK and what it saw in trailing metadata.
class RecordingService : public grpc::CallbackGenericService {
 public:
  grpc::ServerGenericBidiReactor* CreateReactor(
      grpc::GenericCallbackServerContext* context) override {
    class Reactor : public grpc::ServerGenericBidiReactor {
     public:
      explicit Reactor(grpc::GenericCallbackServerContext* context) {
        const auto& metadata = context->client_metadata();
        auto id = metadata.find("x-request-id");
        context->AddTrailingMetadata(
            "seen-request-id",
            id == metadata.end() ? "" : std::string(id->second.data(), id->second.size()));
        auto remaining = context->deadline() - std::chrono::system_clock::now();
        context->AddTrailingMetadata(
            "seen-deadline-ms",
            std::to_string(
                std::chrono::duration_cast<std::chrono::milliseconds>(remaining).count()));
        Finish(grpc::Status::OK);
      }
      void OnDone() override { delete this; }
    };
    return new Reactor(context);
  }
};

TEST(ChannelFactoryTest, PropagatesDeadlineAndRequestId) {
  RecordingService service;
  // Our channels health-check every address: the server needs a health
  // service, or the generic one would answer the Watch and never say SERVING.
  grpc::EnableDefaultHealthCheckService(true);
  grpc::ServerBuilder builder;
  int port = 0;
  builder.AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(), &port);
  builder.RegisterCallbackGenericService(&service);
  auto server = builder.BuildAndStart();
  ASSERT_NE(port, 0);

  CallContext call;
  call.request_id = "req-123";
  call.deadline = std::chrono::steady_clock::now() + std::chrono::seconds(7);
  grpc::ClientContext context;
  PropagateCallContext(call, &context);

  grpc::GenericStub stub(MakeChannel("127.0.0.1:" + std::to_string(port)));
  grpc::Slice empty("");
  grpc::ByteBuffer request(&empty, 1), response;
  std::promise<grpc::Status> done;
  stub.UnaryCall(&context, "/test.Echo/Call", grpc::StubOptions(), &request, &response,
                 [&](grpc::Status status) { done.set_value(status); });
  ASSERT_TRUE(done.get_future().get().ok());
  const auto& trailers = context.GetServerTrailingMetadata();
  EXPECT_EQ(trailers.find("seen-request-id")->second, "req-123");
  const int deadline_ms = std::stoi(std::string(trailers.find("seen-deadline-ms")->second.data(),
                                                trailers.find("seen-deadline-ms")->second.size()));
  EXPECT_GT(deadline_ms, 6000);
  EXPECT_LE(deadline_ms, 7000);
  server->Shutdown();
}

TEST(WithSchemeTest, BareHostsAreResolvedByDnsAndSchemesAreKept) {
  EXPECT_EQ(WithScheme("customer:50061"), "dns:///customer:50061");
  EXPECT_EQ(WithScheme("127.0.0.1:50061"), "dns:///127.0.0.1:50061");
  EXPECT_EQ(WithScheme("dns:///customer.crm.svc:50061"), "dns:///customer.crm.svc:50061");
  EXPECT_EQ(WithScheme("ipv4:127.0.0.1:50061,127.0.0.1:50071"),
            "ipv4:127.0.0.1:50061,127.0.0.1:50071");
  EXPECT_EQ(WithScheme("unix:/run/crm.sock"), "unix:/run/crm.sock");
}

}  // namespace
}  // namespace crm
