// ApplySalesChange: what the sales change feed tells the customer service
// about its customers, for the pool's recycle rules (pool_rules.proto): the
// last follow-up (a contact record or an order made, an opportunity made or
// moved to another stage) and the last win (an order confirmed, an
// opportunity won), each at the time the sales service recorded it.
#pragma once

namespace crm {
class MySqlConnection;
}
namespace crm::common::v1 {
class Change;
}

namespace crm::customer {

// For a FeedConsumer on the sales feed; other changes are skipped. Throws
// sql::SQLException.
void ApplySalesChange(MySqlConnection& connection, const common::v1::Change& change);

}  // namespace crm::customer
