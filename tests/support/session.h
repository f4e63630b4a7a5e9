// Logging in through the gateway, and setting up an organisation to test with.
#pragma once

#include <grpcpp/channel.h>
#include <grpcpp/client_context.h>

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "crm/org/v1/org_service.grpc.pb.h"

namespace crm::testing {

struct Session {
  std::string access_token;
  std::string refresh_token;
  common::v1::Identity identity;
};

absl::StatusOr<Session> Login(const std::shared_ptr<grpc::Channel>& gateway,
                              const std::string& username, const std::string& password);

// A context with a deadline and "authorization: Bearer <access token>".
std::unique_ptr<grpc::ClientContext> AuthContext(
    const Session& session, std::chrono::milliseconds timeout = std::chrono::seconds(10));

absl::Status ToAbsl(const grpc::Status& status);

// Creates organisation records through the gateway as the administrator;
// every call must succeed (test set-up).
class OrgBuilder {
 public:
  OrgBuilder(std::shared_ptr<grpc::Channel> gateway, Session admin);

  int64_t Department(const std::string& name, int64_t parent_id = 0);
  int64_t Employee(const std::string& name, int64_t department_id);
  // A user linked to `employee_id` (0: none) with these roles; returns its session.
  Session User(const std::string& username, int64_t employee_id, std::vector<std::string> roles);

  const Session& admin() const { return admin_; }
  org::v1::OrgService::Stub& stub() { return *stub_; }

 private:
  std::shared_ptr<grpc::Channel> gateway_;
  Session admin_;
  std::unique_ptr<org::v1::OrgService::Stub> stub_;
};

inline constexpr char kTestUserPassword[] = "user-Passw0rd!";

}  // namespace crm::testing
