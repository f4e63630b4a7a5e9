// The service requests in the read model (satisfaction, SLA compliance and
// service composition), from the feedback feed. Part of ReadModel
// (read_model.h).
#pragma once

#include "absl/time/time.h"

namespace crm {
class MySqlConnection;
namespace common::v1 {
class Change;
}
}  // namespace crm

namespace crm::reporting {

// A ServiceRequest change; other feedback records are skipped. Throws
// sql::SQLException.
void ApplyServiceRequestChange(MySqlConnection& connection, const common::v1::Change& change,
                               absl::TimeZone zone);

}  // namespace crm::reporting
