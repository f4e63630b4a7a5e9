// The organisation the end-to-end tests stand on, made through the gateway as
// the administrator, so every test binary starts from the same people:
//
//   总部 (hq)
//   └── 销售中心 (centre)     head.centre  销售中心主任  department_head
//       ├── 华东组 (east)     sales.a      李雷          sales
//       │                     head.east    东主管        department_head
//       └── 华南组 (south)    sales.b      王芳          sales
//   auditor (no employee)     read_only
//
// So: head.centre sees what both sales people own, head.east what sales.a
// owns, each sales person only their own; the auditor reads everything.
#pragma once

#include <grpcpp/channel.h>

#include <cstdint>
#include <memory>
#include <string>

#include "tests/support/session.h"

namespace crm::testing {

struct SalesOrg {
  // Logs the administrator in and creates the departments, employees and users.
  static SalesOrg Build(const std::shared_ptr<grpc::Channel>& gateway);

  int64_t hq = 0, centre = 0, east = 0, south = 0;  // department ids
  int64_t sales_a_employee = 0, sales_b_employee = 0;
  Session admin, sales_a, sales_b, head_centre, head_east, auditor;
};

// Creates a customer in region "east", city 上海, owned by `as`; returns its
// id (0 after a failed expectation).
int64_t CreateCustomerAs(const std::shared_ptr<grpc::Channel>& gateway, const Session& as,
                         const std::string& name);

}  // namespace crm::testing
