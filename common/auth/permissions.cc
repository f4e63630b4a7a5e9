// The role table. A role holds permissions given as exact names ("org.read"),
// prefixes ("sales.*"), suffixes ("*.read") or everything ("*").
#include "common/auth/permissions.h"

#include <google/protobuf/descriptor.h>
#include <google/protobuf/repeated_ptr_field.h>

#include <array>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "common/base/status_util.h"
#include "crm/common/v1/auth.pb.h"

namespace crm {
namespace {

struct RoleEntry {
  Role role;
  const char* name;
  std::vector<const char*> permissions;
};

// Everyone with a user account may see the organisation, read and publish
// announcements (R26) and write their work log. System parameters (R30) are
// for administrators; management may read them.
#define CRM_STAFF_BASICS                                                           \
  "self", "org.read", "announcement.read", "announcement.publish", "worklog.read", \
      "worklog.write", "weeklyplan.read"

// Sales work on customers (R1-R9). Assigning and transferring customers and
// bulk imports are for department heads and up; reference data (regions,
// dictionaries) and the recycle bin's restore and purge for administrators.
#define CRM_CUSTOMER_WORK                                                                   \
  "customer.read", "customer.write", "customer.delete", "customer.claim", "customer.share", \
      "customer.export"
#define CRM_CUSTOMER_LEAD CRM_CUSTOMER_WORK, "customer.assign", "customer.import"

const std::array<RoleEntry, 9>& Table() {
  static const auto* table = new std::array<RoleEntry, 9>{{
      {Role::kAdministrator, "administrator", {"*"}},
      {Role::kManagement,
       "management",
       {CRM_STAFF_BASICS, CRM_CUSTOMER_LEAD, "org.write", "announcement.manage",
        "weeklyplan.review", "settings.read", "sales.*", "approval.admin", "feedback.*",
        "reporting.*"}},
      {Role::kDepartmentHead,
       "department_head",
       {CRM_STAFF_BASICS, CRM_CUSTOMER_LEAD, "weeklyplan.write", "weeklyplan.review", "sales.*",
        "feedback.*", "reporting.read", "reporting.export", "reporting.targets"}},
      {Role::kSales,
       "sales",
       {CRM_STAFF_BASICS, CRM_CUSTOMER_WORK, "weeklyplan.write", "sales.read", "sales.write",
        "sales.approve", "reporting.read", "reporting.export"}},
      // Service staff work on requests; the calendar and SLA targets
      // (feedback.configure) are for department heads and up.
      {Role::kService,
       "service",
       {CRM_STAFF_BASICS, "customer.read", "weeklyplan.write", "feedback.read", "feedback.write"}},
      {Role::kImplementer,
       "implementer",
       {CRM_STAFF_BASICS, "customer.read", "weeklyplan.write", "feedback.read", "feedback.write"}},
      // The business records, not the audit trail, change feeds or settings.
      {Role::kReadOnly,
       "read_only",
       {"self", "customer.read", "org.read", "announcement.read", "weeklyplan.read", "worklog.read",
        "sales.read", "feedback.read", "reporting.read", "reporting.export"}},
      {Role::kOaReader, "oa_reader", {"announcement.pull"}},
      {Role::kSystem, "system", {"internal.*", "changes.read", "org.read", "settings.read"}},
  }};
  return *table;
}
#undef CRM_CUSTOMER_LEAD
#undef CRM_CUSTOMER_WORK
#undef CRM_STAFF_BASICS

bool Matches(absl::string_view pattern, absl::string_view permission) {
  if (pattern == "*") return true;
  if (absl::EndsWith(pattern, ".*")) {
    return absl::StartsWith(permission, pattern.substr(0, pattern.size() - 1));
  }
  if (absl::StartsWith(pattern, "*.")) return absl::EndsWith(permission, pattern.substr(1));
  return pattern == permission;
}

}  // namespace

absl::StatusOr<Role> ParseRole(absl::string_view name) {
  for (const RoleEntry& entry : Table()) {
    if (name == entry.name) return entry.role;
  }
  return absl::InvalidArgumentError(absl::StrCat("unknown role '", name, "'"));
}

const char* RoleName(Role role) { return Table()[static_cast<int>(role)].name; }

bool Assignable(Role role) { return role != Role::kSystem; }

absl::StatusOr<RoleSet> ParseRoles(const std::vector<std::string>& names,
                                   const std::string& field) {
  RoleSet roles = 0;
  for (const std::string& name : names) {
    absl::StatusOr<Role> role = ParseRole(name);
    if (!role.ok() || !Assignable(*role)) {
      return InvalidField(field, absl::StrCat("unknown role '", name,
                                              "'; roles are administrator, management, "
                                              "department_head, sales, service, implementer, "
                                              "read_only, oa_reader"));
    }
    roles |= Bit(*role);
  }
  return roles;
}

RoleSet ParseKnownRoles(const google::protobuf::RepeatedPtrField<std::string>& names) {
  RoleSet roles = 0;
  for (const std::string& name : names) {
    if (absl::StatusOr<Role> role = ParseRole(name); role.ok()) roles |= Bit(*role);
  }
  return roles;
}

RoleSet RolesWithPermission(absl::string_view permission) {
  RoleSet roles = 0;
  for (const RoleEntry& entry : Table()) {
    for (const char* pattern : entry.permissions) {
      if (Matches(pattern, permission)) {
        roles |= Bit(entry.role);
        break;
      }
    }
  }
  return roles;
}

MethodPolicy PolicyFor(const google::protobuf::MethodDescriptor& method) {
  MethodPolicy policy;
  if (!method.options().HasExtension(common::v1::auth)) return policy;
  const common::v1::MethodAuth& auth = method.options().GetExtension(common::v1::auth);
  policy.declared = true;
  policy.open = auth.open();
  policy.permission = auth.permission();
  policy.allowed = RolesWithPermission(auth.permission());
  return policy;
}

MethodPolicy PolicyForPath(absl::string_view path) {
  // "/pkg.Service/Method" -> "pkg.Service.Method"
  if (path.size() < 2 || path[0] != '/') return {};
  std::string name(path.substr(1));
  size_t slash = name.find('/');
  if (slash == std::string::npos) return {};
  name[slash] = '.';
  const auto* method = google::protobuf::DescriptorPool::generated_pool()->FindMethodByName(name);
  return method == nullptr ? MethodPolicy{} : PolicyFor(*method);
}

}  // namespace crm
