// OrgServiceImpl: method registration.
#include "services/org/org_service.h"

#include "common/change_feed.h"

namespace crm::org {
OrgServiceImpl::OrgServiceImpl(Database& db, AsyncMethods& methods, OrgSettings settings)
    : users_(db),
      structure_(db),
      hasher_(settings.password_ops_limit, settings.password_memory_limit),
      auth_(users_, structure_, hasher_, std::move(settings.auth)),
      structure_handlers_(structure_, settings.zone),
      announcements_(db),
      announcement_handlers_(announcements_),
      work_(db),
      parameters_(db),
      work_handlers_(work_, structure_, settings.zone),
      settings_handlers_(parameters_) {
  using Self = OrgServiceImpl;
  ServiceMethods m = methods.ForService(v1::OrgService::service_full_name());
  AuthHandlers* a = &auth_;
  m.AddUnary(this, &Self::RequestLogin, "Login", a, &AuthHandlers::Login);
  m.AddUnary(this, &Self::RequestRefreshToken, "RefreshToken", a, &AuthHandlers::RefreshToken);
  m.AddUnary(this, &Self::RequestLogout, "Logout", a, &AuthHandlers::Logout);
  m.AddUnary(this, &Self::RequestChangePassword, "ChangePassword", a,
             &AuthHandlers::ChangePassword);
  m.AddUnary(this, &Self::RequestGetCurrentUser, "GetCurrentUser", a,
             &AuthHandlers::GetCurrentUser);
  m.AddUnary(this, &Self::RequestCreateUser, "CreateUser", a, &AuthHandlers::CreateUser);
  m.AddUnary(this, &Self::RequestGetUser, "GetUser", a, &AuthHandlers::GetUser);
  m.AddUnary(this, &Self::RequestUpdateUser, "UpdateUser", a, &AuthHandlers::UpdateUser);
  m.AddUnary(this, &Self::RequestListUsers, "ListUsers", a, &AuthHandlers::ListUsers);
  m.AddUnary(this, &Self::RequestResetPassword, "ResetPassword", a, &AuthHandlers::ResetPassword);
  m.AddUnary(this, &Self::RequestCreateServiceAccount, "CreateServiceAccount", a,
             &AuthHandlers::CreateServiceAccount);
  m.AddUnary(this, &Self::RequestListServiceAccounts, "ListServiceAccounts", a,
             &AuthHandlers::ListServiceAccounts);
  m.AddUnary(this, &Self::RequestRevokeServiceAccount, "RevokeServiceAccount", a,
             &AuthHandlers::RevokeServiceAccount);
  m.AddUnary(this, &Self::RequestListActiveApiKeys, "ListActiveApiKeys", a,
             &AuthHandlers::ListActiveApiKeys);

  StructureHandlers* s = &structure_handlers_;
  m.AddUnary(this, &Self::RequestCreateDepartment, "CreateDepartment", s,
             &StructureHandlers::CreateDepartment);
  m.AddUnary(this, &Self::RequestUpdateDepartment, "UpdateDepartment", s,
             &StructureHandlers::UpdateDepartment);
  m.AddUnary(this, &Self::RequestMoveDepartment, "MoveDepartment", s,
             &StructureHandlers::MoveDepartment);
  m.AddUnary(this, &Self::RequestCloseDepartment, "CloseDepartment", s,
             &StructureHandlers::CloseDepartment);
  m.AddUnary(this, &Self::RequestGetDepartment, "GetDepartment", s,
             &StructureHandlers::GetDepartment);
  m.AddUnary(this, &Self::RequestListDepartments, "ListDepartments", s,
             &StructureHandlers::ListDepartments);
  m.AddUnary(this, &Self::RequestCreatePosition, "CreatePosition", s,
             &StructureHandlers::CreatePosition);
  m.AddUnary(this, &Self::RequestUpdatePosition, "UpdatePosition", s,
             &StructureHandlers::UpdatePosition);
  m.AddUnary(this, &Self::RequestDeletePosition, "DeletePosition", s,
             &StructureHandlers::DeletePosition);
  m.AddUnary(this, &Self::RequestListPositions, "ListPositions", s,
             &StructureHandlers::ListPositions);
  m.AddUnary(this, &Self::RequestCreateEmployee, "CreateEmployee", s,
             &StructureHandlers::CreateEmployee);
  m.AddUnary(this, &Self::RequestUpdateEmployee, "UpdateEmployee", s,
             &StructureHandlers::UpdateEmployee);
  m.AddUnary(this, &Self::RequestLeaveEmployee, "LeaveEmployee", s,
             &StructureHandlers::LeaveEmployee);
  m.AddUnary(this, &Self::RequestGetEmployee, "GetEmployee", s, &StructureHandlers::GetEmployee);
  m.AddUnary(this, &Self::RequestListEmployees, "ListEmployees", s,
             &StructureHandlers::ListEmployees);

  AnnouncementHandlers* n = &announcement_handlers_;
  m.AddUnary(this, &Self::RequestPublishAnnouncement, "PublishAnnouncement", n,
             &AnnouncementHandlers::Publish);
  m.AddUnary(this, &Self::RequestUpdateAnnouncement, "UpdateAnnouncement", n,
             &AnnouncementHandlers::Update);
  m.AddUnary(this, &Self::RequestWithdrawAnnouncement, "WithdrawAnnouncement", n,
             &AnnouncementHandlers::Withdraw);
  m.AddUnary(this, &Self::RequestGetAnnouncement, "GetAnnouncement", n, &AnnouncementHandlers::Get);
  m.AddUnary(this, &Self::RequestListAnnouncements, "ListAnnouncements", n,
             &AnnouncementHandlers::List);
  m.AddUnary(this, &Self::RequestListAnnouncementChanges, "ListAnnouncementChanges", n,
             &AnnouncementHandlers::ListChanges);
  WorkHandlers* work = &work_handlers_;
  m.AddUnary(this, &Self::RequestWriteWorkLog, "WriteWorkLog", work, &WorkHandlers::WriteWorkLog);
  m.AddUnary(this, &Self::RequestListWorkLogs, "ListWorkLogs", work, &WorkHandlers::ListWorkLogs);
  m.AddUnary(this, &Self::RequestSaveWeeklyPlan, "SaveWeeklyPlan", work,
             &WorkHandlers::SaveWeeklyPlan);
  m.AddUnary(this, &Self::RequestSubmitWeeklyPlan, "SubmitWeeklyPlan", work,
             &WorkHandlers::SubmitWeeklyPlan);
  m.AddUnary(this, &Self::RequestReviewWeeklyPlan, "ReviewWeeklyPlan", work,
             &WorkHandlers::ReviewWeeklyPlan);
  m.AddUnary(this, &Self::RequestGetWeeklyPlan, "GetWeeklyPlan", work,
             &WorkHandlers::GetWeeklyPlan);
  m.AddUnary(this, &Self::RequestListWeeklyPlans, "ListWeeklyPlans", work,
             &WorkHandlers::ListWeeklyPlans);
  SettingsHandlers* params = &settings_handlers_;
  m.AddUnary(this, &Self::RequestGetSystemParameter, "GetSystemParameter", params,
             &SettingsHandlers::GetSystemParameter);
  m.AddUnary(this, &Self::RequestListSystemParameters, "ListSystemParameters", params,
             &SettingsHandlers::ListSystemParameters);
  m.AddUnary(this, &Self::RequestSetSystemParameter, "SetSystemParameter", params,
             &SettingsHandlers::SetSystemParameter);

  AddChangeLogMethods(m, this, db);
}

}  // namespace crm::org
