// Roles, the permissions they hold, and each method's policy (from the
// crm.common.v1.auth option on the method in its proto).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace google::protobuf {
class MethodDescriptor;
template <typename T>
class RepeatedPtrField;
}  // namespace google::protobuf

namespace crm {

// A set of roles as bits.
using RoleSet = uint32_t;

enum class Role {
  kAdministrator,
  kManagement,
  kDepartmentHead,
  kSales,
  kService,
  kImplementer,
  kReadOnly,
  kOaReader,
  // Internal: the CRM's own processes (the gateway fetching API keys, feed
  // consumers). Never given to a user or service account.
  kSystem,
};

inline constexpr RoleSet Bit(Role role) { return RoleSet{1} << static_cast<int>(role); }

// "sales" -> Role::kSales.
absl::StatusOr<Role> ParseRole(absl::string_view name);
const char* RoleName(Role role);
// Parses role names; `field` names the request field in the error.
absl::StatusOr<RoleSet> ParseRoles(const std::vector<std::string>& names, const std::string& field);
RoleSet ParseKnownRoles(const google::protobuf::RepeatedPtrField<std::string>& names);
// Roles a user or service account may be given (all but system).
bool Assignable(Role role);

// The roles holding `permission` (e.g. "customer.read").
RoleSet RolesWithPermission(absl::string_view permission);

struct MethodPolicy {
  bool declared = false;  // the method carries a (crm.common.v1.auth) option
  bool open = false;      // no credential needed
  std::string permission;
  RoleSet allowed = 0;  // roles holding the permission
};

MethodPolicy PolicyFor(const google::protobuf::MethodDescriptor& method);
// By full method path, "/crm.customer.v1.CustomerService/GetCustomer";
// undeclared when no such method is compiled in.
MethodPolicy PolicyForPath(absl::string_view path);

}  // namespace crm
