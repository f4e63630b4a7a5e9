// OrgServiceImpl: method registration.
#include "services/org/org_service.h"

#include "common/feed/change_feed.h"
#include "common/rpc/service_methods.h"

namespace crm::org {
namespace {

AuthSettings WithPasswordChecks(AuthSettings settings, CallLimit& limit) {
  settings.password_checks = &limit;
  return settings;
}

}  // namespace

OrgServiceImpl::OrgServiceImpl(Database& db, AsyncMethods& methods, OrgSettings settings)
    : users_(db),
      login_throttle_(db),
      refresh_tokens_(db),
      token_revocations_(db),
      service_accounts_(db),
      departments_(db),
      positions_(db),
      employees_(db),
      hasher_(settings.password_ops_limit, settings.password_memory_limit),
      password_checks_(settings.max_password_checks),
      auth_({users_, login_throttle_, refresh_tokens_, token_revocations_, service_accounts_,
             employees_},
            hasher_, WithPasswordChecks(std::move(settings.auth), password_checks_)),
      structure_handlers_(departments_, positions_, employees_, settings.zone),
      announcements_(db),
      announcement_handlers_(announcements_),
      work_logs_(db),
      weekly_plans_(db),
      parameters_(db),
      work_handlers_({work_logs_, weekly_plans_, employees_, departments_}, settings.zone),
      settings_handlers_(parameters_),
      change_log_(db) {
  ServiceMethods<OrgServiceImpl> m(methods, this, v1::OrgService::service_full_name());
  // Log-in, tokens, users and service accounts.
  AuthHandlers* a = &auth_;
  CRM_METHOD(m, Login, a);
  CRM_METHOD(m, RefreshToken, a);
  CRM_METHOD(m, Logout, a);
  CRM_METHOD(m, ChangePassword, a);
  CRM_METHOD(m, GetCurrentUser, a);
  CRM_METHOD(m, CreateUser, a);
  CRM_METHOD(m, GetUser, a);
  CRM_METHOD(m, UpdateUser, a);
  CRM_METHOD(m, ListUsers, a);
  CRM_METHOD(m, ResetPassword, a);
  CRM_METHOD(m, CreateServiceAccount, a);
  CRM_METHOD(m, ListServiceAccounts, a);
  CRM_METHOD(m, RevokeServiceAccount, a);
  CRM_METHOD(m, ListActiveApiKeys, a);
  CRM_METHOD(m, ListTokenRevocations, a);
  // Departments, positions, employees.
  StructureHandlers* s = &structure_handlers_;
  CRM_METHOD(m, CreateDepartment, s);
  CRM_METHOD(m, UpdateDepartment, s);
  CRM_METHOD(m, MoveDepartment, s);
  CRM_METHOD(m, CloseDepartment, s);
  CRM_METHOD(m, GetDepartment, s);
  CRM_METHOD(m, ListDepartments, s);
  CRM_METHOD(m, CreatePosition, s);
  CRM_METHOD(m, UpdatePosition, s);
  CRM_METHOD(m, DeletePosition, s);
  CRM_METHOD(m, ListPositions, s);
  CRM_METHOD(m, CreateEmployee, s);
  CRM_METHOD(m, UpdateEmployee, s);
  CRM_METHOD(m, LeaveEmployee, s);
  CRM_METHOD(m, GetEmployee, s);
  CRM_METHOD(m, ListEmployees, s);
  CRM_METHOD(m, ListApprovers, s);
  // Announcements and the OA pull.
  AnnouncementHandlers* n = &announcement_handlers_;
  CRM_METHOD(m, PublishAnnouncement, n);
  CRM_METHOD(m, UpdateAnnouncement, n);
  CRM_METHOD(m, WithdrawAnnouncement, n);
  CRM_METHOD(m, GetAnnouncement, n);
  CRM_METHOD(m, ListAnnouncements, n);
  CRM_METHOD(m, ListAnnouncementChanges, n);
  // Work logs and weekly plans.
  WorkHandlers* w = &work_handlers_;
  CRM_METHOD(m, WriteWorkLog, w);
  CRM_METHOD(m, ListWorkLogs, w);
  CRM_METHOD(m, SaveWeeklyPlan, w);
  CRM_METHOD(m, SubmitWeeklyPlan, w);
  CRM_METHOD(m, ReviewWeeklyPlan, w);
  CRM_METHOD(m, GetWeeklyPlan, w);
  CRM_METHOD(m, ListWeeklyPlans, w);
  // System parameters.
  SettingsHandlers* p = &settings_handlers_;
  CRM_METHOD(m, GetSystemParameter, p);
  CRM_METHOD(m, ListSystemParameters, p);
  CRM_METHOD(m, SetSystemParameter, p);
  AddChangeLogMethods(m, &change_log_);
}

}  // namespace crm::org
