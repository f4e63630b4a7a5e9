// crmctl: small operational client for the local stack.
//   crmctl wait-serving --target=HOST:PORT --timeout-s=N [--services=a,b]
//       exits 0 once the server and every named service report SERVING
//   crmctl load-demo --target=HOST:PORT   (CRM_ADMIN_PASSWORD in the environment)
//       creates the demo organisation, users and customers (idempotent)
//   crmctl list-customers --target=HOST:PORT --username=U --password=P [--page-size=N]
//       prints "id<TAB>region<TAB>name" for the first page the user may see
//   crmctl token --target=HOST:PORT --username=U --password=P [--method=/pkg.Svc/M]
//       prints an access token, then the user's identity signed with
//       CRM_IDENTITY_KEY for that method, valid for a minute, as two base64
//       header values (for calling a backend directly, e.g. in benchmarks)
#include <grpcpp/channel.h>
#include <grpcpp/client_context.h>
#include <grpcpp/create_channel.h>

#include <chrono>
#include <iostream>
#include <thread>

#include "absl/strings/escaping.h"
#include "absl/strings/str_split.h"
#include "common/auth/identity.h"
#include "common/base/config.h"
#include "crm/customer/v1/customer_service.grpc.pb.h"
#include "crm/org/v1/org_service.grpc.pb.h"
#include "grpc/health/v1/health.grpc.pb.h"
#include "tools/crmctl/demo_loader.h"

namespace {

using grpc::health::v1::HealthCheckRequest;
using grpc::health::v1::HealthCheckResponse;

bool Serving(grpc::health::v1::Health::Stub& stub, const std::string& service) {
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(1));
  HealthCheckRequest request;
  request.set_service(service);
  HealthCheckResponse response;
  return stub.Check(&context, request, &response).ok() &&
         response.status() == HealthCheckResponse::SERVING;
}

int WaitServing(const std::shared_ptr<grpc::Channel>& channel,
                const std::vector<std::string>& services, int timeout_s) {
  auto stub = grpc::health::v1::Health::NewStub(channel);
  const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(timeout_s);
  for (;;) {
    std::vector<std::string> waiting;
    for (const std::string& s : services) {
      if (!Serving(*stub, s)) waiting.push_back(s.empty() ? "(server)" : s);
    }
    if (waiting.empty()) return 0;
    if (std::chrono::steady_clock::now() > give_up) {
      std::cerr << "crmctl: not SERVING after " << timeout_s << " s:";
      for (const std::string& s : waiting) std::cerr << " " << s;
      std::cerr << "\n";
      return 1;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
}

bool Login(const std::shared_ptr<grpc::Channel>& channel, const std::string& username,
           const std::string& password, crm::org::v1::TokenResponse* tokens) {
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
  crm::org::v1::LoginRequest login;
  login.set_username(username);
  login.set_password(password);
  grpc::Status status = crm::org::v1::OrgService::NewStub(channel)->Login(&context, login, tokens);
  if (!status.ok()) std::cerr << "crmctl: log in: " << status.error_message() << "\n";
  return status.ok();
}

int PrintToken(const std::shared_ptr<grpc::Channel>& channel, const std::string& username,
               const std::string& password, const std::string& identity_secret,
               const std::string& method) {
  crm::org::v1::TokenResponse tokens;
  if (!Login(channel, username, password, &tokens)) return 1;
  std::cout << tokens.access_token() << "\n";
  absl::StatusOr<crm::IdentityKey> key = crm::IdentityKey::FromSecret(identity_secret);
  if (!key.ok()) {
    std::cerr << "crmctl: --identity-key (CRM_IDENTITY_KEY): " << key.status().message() << "\n";
    return 1;
  }
  crm::SignedIdentity signed_identity =
      crm::SignIdentity(tokens.identity(), *key, method, crm::UnixNow());
  std::cout << absl::Base64Escape(signed_identity.identity) << "\n"
            << absl::Base64Escape(signed_identity.signature) << "\n";
  return 0;
}

int ListCustomers(const std::shared_ptr<grpc::Channel>& channel, const std::string& username,
                  const std::string& password, int page_size) {
  crm::org::v1::TokenResponse tokens;
  if (!Login(channel, username, password, &tokens)) return 1;
  grpc::Status status;
  crm::customer::v1::ListCustomersRequest request;
  request.set_page_size(page_size);
  crm::customer::v1::ListCustomersResponse response;
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
  context.AddMetadata("authorization", "Bearer " + tokens.access_token());
  status = crm::customer::v1::CustomerService::NewStub(channel)->ListCustomers(&context, request,
                                                                               &response);
  if (!status.ok()) {
    std::cerr << "crmctl: " << status.error_message() << "\n";
    return 1;
  }
  for (const auto& c : response.customers()) {
    std::cout << c.id() << "\t" << c.region_code() << "\t" << c.name() << "\n";
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::cerr
        << "usage: crmctl wait-serving|load-demo|list-customers|token --target=HOST:PORT ...\n";
    return 2;
  }
  const std::string command = argv[1];
  crm::Config config(argc - 1, argv + 1);
  const std::string target = config.GetString("target", "127.0.0.1:50051", "gateway address");
  const std::string services = config.GetString("services", "", "comma-separated service names");
  const int timeout_s = static_cast<int>(config.GetInt("timeout-s", 30, "how long to wait"));
  const int page_size = static_cast<int>(config.GetInt("page-size", 20, "customers to list"));
  const std::string username = config.GetString("username", "admin", "user to act as");
  const std::string password = config.GetString("password", "", "that user's password");
  const std::string admin_password =
      config.GetString("admin-password", "", "the administrator's password (for load-demo)");
  const std::string identity_key =
      config.GetString("identity-key", "", "the services' identity key (for token)");
  const std::string method = config.GetString(
      "method", "/crm.customer.v1.CustomerService/GetCustomer",
      "the method the printed identity headers are signed for (token; valid for a minute)");
  if (absl::Status status = config.Finish(); !status.ok()) {
    std::cerr << "crmctl: " << status.message() << "\n";
    return 2;
  }
  auto channel = grpc::CreateChannel(target, grpc::InsecureChannelCredentials());
  if (command == "wait-serving") {
    std::vector<std::string> names{""};
    for (absl::string_view s : absl::StrSplit(services, ',', absl::SkipEmpty())) {
      names.emplace_back(s);
    }
    return WaitServing(channel, names, timeout_s);
  }
  if (command == "load-demo") return crm::tools::LoadDemo(channel, admin_password);
  if (command == "list-customers") return ListCustomers(channel, username, password, page_size);
  if (command == "token") return PrintToken(channel, username, password, identity_key, method);
  std::cerr << "crmctl: unknown command '" << command << "'\n";
  return 2;
}
