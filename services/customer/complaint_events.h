// Complaints in the customer's event history (R8): the customer service
// follows the feedback service's change feed and keeps one event of type
// "complaint" per complaint, updated as it moves through its lifecycle.
#pragma once

namespace crm {
class MySqlConnection;
namespace common::v1 {
class Change;
}
}  // namespace crm

namespace crm::customer {

// Applies one feedback change: a complaint (a ServiceRequest of type
// COMPLAINT) creates or updates its customer's event; anything else, or a
// customer that no longer exists, is skipped. For a FeedConsumer.
void ApplyFeedbackChange(MySqlConnection& connection, const common::v1::Change& change);

}  // namespace crm::customer
