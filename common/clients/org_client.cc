// OrgClient on ServiceClient.
#include "common/clients/org_client.h"

#include <grpcpp/channel.h>

#include "common/feed/service_feed.h"

namespace crm {

OrgClient::OrgClient(const std::string& address, ChannelOptions options, const IdentityKey& key,
                     std::string self)
    : client_("org", address, std::move(options), key, std::move(self)),
      stub_(org::v1::OrgService::NewStub(client_.channel())) {}

absl::StatusOr<org::v1::Employee> OrgClient::GetEmployee(const CallContext& call,
                                                         int64_t id) const {
  org::v1::GetEmployeeRequest request;
  request.set_id(id);
  return client_.Call(&org::v1::OrgService::Stub::GetEmployee, *stub_, request,
                      ServiceClient::Caller(call), "employees");
}

absl::StatusOr<std::vector<org::v1::SystemParameter>> OrgClient::ListSystemParameters() const {
  absl::StatusOr<org::v1::ListSystemParametersResponse> response = client_.Call(
      &org::v1::OrgService::Stub::ListSystemParameters, *stub_,
      org::v1::ListSystemParametersRequest(), ServiceClient::Self(), "system parameters");
  if (!response.ok()) return response.status();
  return std::vector<org::v1::SystemParameter>(response->parameters().begin(),
                                               response->parameters().end());
}

absl::StatusOr<std::vector<org::v1::Employee>> OrgClient::ListApprovers(
    const org::v1::ListApproversRequest& request) const {
  absl::StatusOr<org::v1::ListApproversResponse> response =
      client_.Call(&org::v1::OrgService::Stub::ListApprovers, *stub_, request,
                   ServiceClient::Self(), "approvers");
  if (!response.ok()) return response.status();
  return std::vector<org::v1::Employee>(response->approvers().begin(), response->approvers().end());
}

FeedConsumer::Fetch OrgClient::Feed() const { return ServiceFeed(client_, stub_); }

}  // namespace crm
