// Keeps each customer's owner department (id and path, used for visibility) in
// step with the org service: a department that moves, an employee who changes
// department. It follows the org service's change feed.
#pragma once

#include <memory>

#include "common/feed_consumer.h"

namespace grpc {
class Channel;
}

namespace crm {
class IdentityKey;
class MySqlConnection;
}  // namespace crm

namespace crm::customer {

// Applies one org change (Department or Employee) to the customers table.
void ApplyOrgChange(MySqlConnection& connection, const common::v1::Change& change);

// Reads the org service's feed as this service (a "system" identity).
FeedConsumer::Fetch OrgFeed(std::shared_ptr<grpc::Channel> org, const IdentityKey& key);

}  // namespace crm::customer
