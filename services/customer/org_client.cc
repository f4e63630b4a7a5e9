// OrgClient.
#include "services/customer/org_client.h"

#include <grpcpp/channel.h>
#include <grpcpp/client_context.h>

#include "absl/strings/str_cat.h"
#include "common/identity.h"
#include "common/trace_context.h"

namespace crm::customer {
namespace {

constexpr auto kDefaultTimeout = std::chrono::seconds(10);

void Prepare(grpc::ClientContext& context, const IdentityKey& key,
             std::chrono::system_clock::time_point deadline) {
  common::v1::Identity self;
  self.set_subject("system:customer");
  self.add_roles("system");
  self.set_expires_at(UnixNow() + 60);
  context.set_deadline(deadline);
  AttachIdentity(SignIdentity(self, key), &context);
  AttachTraceParent(&context);
}

std::chrono::system_clock::time_point ToSystemDeadline(Deadline deadline) {
  const auto now = std::chrono::steady_clock::now();
  const auto remaining = deadline == Deadline::max() ? std::chrono::steady_clock::duration(kDefaultTimeout)
                                                     : std::min<std::chrono::steady_clock::duration>(
                                                           deadline - now, kDefaultTimeout);
  return std::chrono::system_clock::now() +
         std::chrono::duration_cast<std::chrono::system_clock::duration>(remaining);
}

absl::Status FromGrpc(const grpc::Status& status, const char* what) {
  if (status.error_code() == grpc::StatusCode::NOT_FOUND) {
    return absl::NotFoundError(status.error_message());
  }
  return absl::UnavailableError(absl::StrCat("the org service (", what,
                                             "): ", status.error_message()));
}

}  // namespace

OrgClient::OrgClient(std::shared_ptr<grpc::Channel> channel, const IdentityKey& key)
    : stub_(org::v1::OrgService::NewStub(channel)), key_(key) {}

absl::StatusOr<org::v1::Employee> OrgClient::GetEmployee(int64_t id, Deadline deadline) const {
  grpc::ClientContext context;
  Prepare(context, key_, ToSystemDeadline(deadline));
  org::v1::GetEmployeeRequest request;
  request.set_id(id);
  org::v1::Employee employee;
  grpc::Status status = stub_->GetEmployee(&context, request, &employee);
  if (!status.ok()) return FromGrpc(status, "employees");
  return employee;
}

absl::StatusOr<std::vector<org::v1::SystemParameter>> OrgClient::ListSystemParameters() const {
  grpc::ClientContext context;
  Prepare(context, key_, std::chrono::system_clock::now() + kDefaultTimeout);
  org::v1::ListSystemParametersResponse response;
  grpc::Status status =
      stub_->ListSystemParameters(&context, org::v1::ListSystemParametersRequest(), &response);
  if (!status.ok()) return FromGrpc(status, "system parameters");
  return std::vector<org::v1::SystemParameter>(response.parameters().begin(),
                                               response.parameters().end());
}

FeedConsumer::Fetch OrgClient::Feed() const {
  auto stub = stub_;
  const IdentityKey& key = key_;
  return [stub, &key](int64_t after,
                      int page_size) -> absl::StatusOr<common::v1::ListChangesResponse> {
    grpc::ClientContext context;
    Prepare(context, key, std::chrono::system_clock::now() + kDefaultTimeout);
    common::v1::ListChangesRequest request;
    request.set_after_sequence(after);
    request.set_page_size(page_size);
    common::v1::ListChangesResponse response;
    grpc::Status status = stub->ListChanges(&context, request, &response);
    if (!status.ok()) return FromGrpc(status, "change feed");
    return response;
  };
}

}  // namespace crm::customer
