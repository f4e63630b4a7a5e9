// crm.org.v1.OrgService: wires each method to its handler.
#pragma once

#include <memory>
#include <string>

#include "absl/time/time.h"
#include "common/feed/change_feed.h"
#include "common/rpc/async_methods.h"
#include "common/rpc/call_limit.h"
#include "crm/org/v1/org_service.grpc.pb.h"
#include "services/org/announcement_handlers.h"
#include "services/org/announcement_repository.h"
#include "services/org/auth_handlers.h"
#include "services/org/department_repository.h"
#include "services/org/employee_repository.h"
#include "services/org/login_throttle_repository.h"
#include "services/org/password_hasher.h"
#include "services/org/position_repository.h"
#include "services/org/refresh_token_repository.h"
#include "services/org/service_account_repository.h"
#include "services/org/settings_handlers.h"
#include "services/org/settings_repository.h"
#include "services/org/structure_handlers.h"
#include "services/org/token_revocations.h"
#include "services/org/user_repository.h"
#include "services/org/weekly_plan_repository.h"
#include "services/org/work_handlers.h"
#include "services/org/work_log_repository.h"

namespace crm {
class Database;
}

namespace crm::org {

struct OrgSettings {
  AuthSettings auth;
  uint64_t password_ops_limit = 2;
  size_t password_memory_limit = 64 << 20;
  // Password checks at once (AuthSettings::password_checks): fewer than the
  // service's threads, so log-ins never hold them all.
  int max_password_checks = 2;
  absl::TimeZone zone;  // the company's days (work logs, leave dates)
};

class OrgServiceImpl : public v1::OrgService::AsyncService {
 public:
  // Registers every method's handler in `methods`.
  OrgServiceImpl(Database& db, AsyncMethods& methods, OrgSettings settings);

  AuthHandlers& auth() { return auth_; }

 private:
  UserRepository users_;
  LoginThrottleRepository login_throttle_;
  RefreshTokenRepository refresh_tokens_;
  TokenRevocations token_revocations_;
  ServiceAccountRepository service_accounts_;
  DepartmentRepository departments_;
  PositionRepository positions_;
  EmployeeRepository employees_;
  PasswordHasher hasher_;
  CallLimit password_checks_;
  AuthHandlers auth_;
  StructureHandlers structure_handlers_;
  AnnouncementRepository announcements_;
  AnnouncementHandlers announcement_handlers_;
  WorkLogRepository work_logs_;
  WeeklyPlanRepository weekly_plans_;
  SettingsRepository parameters_;
  WorkHandlers work_handlers_;
  SettingsHandlers settings_handlers_;
  ChangeLogHandlers change_log_;
};

}  // namespace crm::org
