// Sessions and organisation set-up for end-to-end tests.
#include "tests/support/session.h"

#include <stdexcept>

namespace crm::testing {

absl::Status ToAbsl(const grpc::Status& status) {
  return absl::Status(static_cast<absl::StatusCode>(status.error_code()), status.error_message());
}

absl::StatusOr<Session> Login(const std::shared_ptr<grpc::Channel>& gateway,
                              const std::string& username, const std::string& password) {
  auto stub = org::v1::OrgService::NewStub(gateway);
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
  org::v1::LoginRequest request;
  request.set_username(username);
  request.set_password(password);
  org::v1::TokenResponse response;
  grpc::Status status = stub->Login(&context, request, &response);
  if (!status.ok()) return ToAbsl(status);
  return Session{response.access_token(), response.refresh_token(), response.identity()};
}

std::unique_ptr<grpc::ClientContext> AuthContext(const Session& session,
                                                 std::chrono::milliseconds timeout) {
  auto context = std::make_unique<grpc::ClientContext>();
  context->set_deadline(std::chrono::system_clock::now() + timeout);
  context->AddMetadata("authorization", "Bearer " + session.access_token);
  return context;
}

namespace {
void Check(const grpc::Status& status, const std::string& what) {
  if (!status.ok()) throw std::runtime_error(what + ": " + status.error_message());
}
}  // namespace

OrgBuilder::OrgBuilder(std::shared_ptr<grpc::Channel> gateway, Session admin)
    : gateway_(std::move(gateway)),
      admin_(std::move(admin)),
      stub_(org::v1::OrgService::NewStub(gateway_)) {}

int64_t OrgBuilder::Department(const std::string& name, int64_t parent_id) {
  org::v1::CreateDepartmentRequest request;
  request.mutable_department()->set_name(name);
  request.mutable_department()->set_parent_id(parent_id);
  org::v1::Department response;
  Check(stub_->CreateDepartment(AuthContext(admin_).get(), request, &response),
        "create department " + name);
  return response.id();
}

int64_t OrgBuilder::Employee(const std::string& name, int64_t department_id) {
  org::v1::CreateEmployeeRequest request;
  request.mutable_employee()->set_name(name);
  request.mutable_employee()->set_department_id(department_id);
  org::v1::Employee response;
  Check(stub_->CreateEmployee(AuthContext(admin_).get(), request, &response),
        "create employee " + name);
  return response.id();
}

Session OrgBuilder::User(const std::string& username, int64_t employee_id,
                         std::vector<std::string> roles) {
  org::v1::CreateUserRequest request;
  request.mutable_user()->set_username(username);
  request.mutable_user()->set_employee_id(employee_id);
  for (std::string& role : roles) request.mutable_user()->add_roles(std::move(role));
  request.set_password(kTestUserPassword);
  org::v1::User response;
  Check(stub_->CreateUser(AuthContext(admin_).get(), request, &response),
        "create user " + username);
  absl::StatusOr<Session> session = Login(gateway_, username, kTestUserPassword);
  if (!session.ok())
    throw std::runtime_error("log in " + username + ": " + std::string(session.status().message()));
  return *session;
}

}  // namespace crm::testing
