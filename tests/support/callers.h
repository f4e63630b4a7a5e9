// Callers as the gateway would describe them, for tests that call handlers or
// repositories directly:
//
//   CallContext call = CallerBuilder(101).Roles(Bit(Role::kSales)).Employee(7)
//                          .Department(2, "/1/2/").Clock(&clock);
#pragma once

#include <chrono>
#include <cstdint>
#include <string>

#include "absl/strings/str_cat.h"
#include "common/base/clock.h"
#include "common/rpc/call_context.h"

namespace crm::testing {

class CallerBuilder {
 public:
  // A user with no roles, no employee and no department; the call has a
  // minute to finish and reads the system clock.
  explicit CallerBuilder(int64_t user_id) {
    call_.caller.subject = absl::StrCat("user:", user_id);
    call_.caller.user_id = user_id;
    call_.caller.display_name = absl::StrCat("user ", user_id);
    call_.actor = call_.caller.subject;
    call_.request_id = "test";
    call_.deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  }

  CallerBuilder& Roles(RoleSet roles) {
    call_.caller.roles = roles;
    return *this;
  }
  // The employee the user is (0: none).
  CallerBuilder& Employee(int64_t employee_id) {
    call_.caller.employee_id = employee_id;
    return *this;
  }
  // The employee's department and its path from the root, like "/1/4/".
  CallerBuilder& Department(int64_t department_id, const std::string& path) {
    call_.caller.department_id = department_id;
    call_.caller.department_path = path;
    return *this;
  }
  // The wall clock the call's business rules read (a test's ManualClock).
  CallerBuilder& Clock(const crm::Clock* clock) {
    call_.clock = clock;
    return *this;
  }
  CallerBuilder& RequestId(const std::string& request_id) {
    call_.request_id = request_id;
    return *this;
  }

  CallContext Build() const { return call_; }
  operator CallContext() const { return call_; }  // NOLINT: reads as a CallContext

 private:
  CallContext call_;
};

}  // namespace crm::testing
