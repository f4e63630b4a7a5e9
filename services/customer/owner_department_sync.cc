// Owner department maintenance from the org feed.
#include "services/customer/owner_department_sync.h"

#include <cppconn/prepared_statement.h>
#include <grpcpp/channel.h>
#include <grpcpp/client_context.h>

#include "common/database.h"
#include "common/identity.h"
#include "crm/org/v1/org_service.grpc.pb.h"

namespace crm::customer {

void ApplyOrgChange(MySqlConnection& c, const common::v1::Change& change) {
  if (change.entity_type() == "crm.org.v1.Department") {
    org::v1::Department department;
    if (!change.state().UnpackTo(&department)) return;
    sql::PreparedStatement& update = c.Prepare(
        "UPDATE customers SET owner_department_path = ? WHERE owner_department_id = ?"
        " AND owner_department_path <> ?");
    update.setString(1, department.path());
    update.setInt64(2, department.id());
    update.setString(3, department.path());
    update.executeUpdate();
  } else if (change.entity_type() == "crm.org.v1.Employee") {
    org::v1::Employee employee;
    if (!change.state().UnpackTo(&employee)) return;
    sql::PreparedStatement& update = c.Prepare(
        "UPDATE customers SET owner_department_id = ?, owner_department_path = ?"
        " WHERE owner_id = ? AND (owner_department_id <> ? OR owner_department_path <> ?)");
    update.setInt64(1, employee.department_id());
    update.setString(2, employee.department_path());
    update.setInt64(3, employee.id());
    update.setInt64(4, employee.department_id());
    update.setString(5, employee.department_path());
    update.executeUpdate();
  }
}

FeedConsumer::Fetch OrgFeed(std::shared_ptr<grpc::Channel> org, const IdentityKey& key) {
  auto stub = std::shared_ptr<org::v1::OrgService::Stub>(org::v1::OrgService::NewStub(org));
  return [stub, &key](int64_t after,
                      int page_size) -> absl::StatusOr<common::v1::ListChangesResponse> {
    common::v1::Identity self;
    self.set_subject("system:customer");
    self.add_roles("system");
    self.set_expires_at(UnixNow() + 60);
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
    AttachIdentity(SignIdentity(self, key), &context);
    common::v1::ListChangesRequest request;
    request.set_after_sequence(after);
    request.set_page_size(page_size);
    common::v1::ListChangesResponse response;
    grpc::Status status = stub->ListChanges(&context, request, &response);
    if (!status.ok()) {
      return absl::UnavailableError("the org feed: " + status.error_message());
    }
    return response;
  };
}

}  // namespace crm::customer
