// The opportunities and their stage history in the read model (the funnel's
// source), from the sales feed. Part of ReadModel (read_model.h).
#pragma once

#include "absl/time/time.h"

namespace crm {
class MySqlConnection;
namespace common::v1 {
class Change;
}
}  // namespace crm

namespace crm::reporting {

// An Opportunity or PipelineStage change; false for any other record.
// Throws sql::SQLException.
bool ApplyOpportunityChange(MySqlConnection& connection, const common::v1::Change& change,
                            absl::TimeZone zone);

}  // namespace crm::reporting
