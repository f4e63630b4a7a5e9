// Every method of every CRM service, read from the descriptors, and
// each service's change-feed position read through the gateway: the tables
// of the bad-input tests grow with the services by themselves.
#pragma once

#include <google/protobuf/descriptor.h>
#include <grpcpp/channel.h>

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "crm/common/v1/changes.pb.h"
#include "gtest/gtest.h"
#include "tests/support/clients.h"
#include "tests/support/session.h"
#include "tests/support/stack.h"

namespace crm::testing {

struct RpcMethod {
  std::string service;  // "crm.sales.v1.SalesService"
  std::string path;     // "/crm.sales.v1.SalesService/CreateOrder"
  const google::protobuf::Descriptor* input;
  bool streaming = false;  // client or server streaming (ImportCustomers, exports)
};

// Every method of every CRM service, streaming ones included.
inline std::vector<RpcMethod> AllMethods() {
  std::vector<RpcMethod> methods;
  for (const std::string& name : CrmServiceNames()) {
    const auto* service =
        google::protobuf::DescriptorPool::generated_pool()->FindServiceByName(name);
    for (int i = 0; i < service->method_count(); ++i) {
      const auto* m = service->method(i);
      methods.push_back({name, absl::StrCat("/", name, "/", m->name()), m->input_type(),
                         m->client_streaming() || m->server_streaming()});
    }
  }
  return methods;
}

// Calls `method` with one request message `body`, whatever it holds: a unary
// call, or a stream that sends it, half-closes and reads every response.
inline grpc::Status CallWithOneMessage(
    const std::shared_ptr<grpc::Channel>& channel, const RpcMethod& method,
    const std::vector<std::pair<std::string, std::string>>& metadata, const std::string& body) {
  return method.streaming ? CallRawStream(channel, method.path, metadata, {body})
                          : CallRaw(channel, method.path, metadata, body);
}

// The last sequence of `service`'s change feed, paging on from `known`, as
// the caller with `bearer` ("Bearer …") reads it through `gateway`.
inline int64_t LastChange(const std::shared_ptr<grpc::Channel>& gateway, const std::string& bearer,
                          const std::string& service, int64_t known = 0) {
  common::v1::ListChangesRequest request;
  request.set_page_size(1000);
  common::v1::ListChangesResponse page;
  page.set_last_sequence(known);
  do {
    request.set_after_sequence(page.last_sequence());
    std::string bytes;
    grpc::Status status = CallRaw(gateway, absl::StrCat("/", service, "/ListChanges"),
                                  {{"authorization", bearer}}, request.SerializeAsString(), &bytes);
    EXPECT_TRUE(status.ok()) << service << ": " << status.error_message();
    if (!status.ok() || !page.ParseFromString(bytes)) break;
  } while (page.has_more());
  return page.last_sequence();
}

// A suite's own stack, reached through its gateway as the administrator,
// for the tables that call every method.
class EveryMethodTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    stack_ = new Stack();
    stack_->Start();
    gateway_ = new std::shared_ptr<grpc::Channel>(Connect(stack_->gateway_address()));
    auto admin = Login(*gateway_, "admin", kTestAdminPassword);
    ASSERT_TRUE(admin.ok()) << admin.status();
    bearer_ = new std::string("Bearer " + admin->access_token);
  }
  static void TearDownTestSuite() {
    delete stack_;
    stack_ = nullptr;
  }

  // Each service's change-feed position: every write appends a change.
  static std::map<std::string, int64_t> LastChanges() {
    std::map<std::string, int64_t> last;
    for (const std::string& service : CrmServiceNames()) {
      last[service] = LastChange(*gateway_, *bearer_, service);
    }
    return last;
  }

  inline static Stack* stack_ = nullptr;
  inline static std::shared_ptr<grpc::Channel>* gateway_ = nullptr;
  inline static std::string* bearer_ = nullptr;
};

}  // namespace crm::testing
