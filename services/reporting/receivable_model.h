// Contracts, payment plans, the receipt ledger and campaigns in the read
// model (receivables and campaign return), from the sales feed. Part of
// ReadModel (read_model.h).
#pragma once

namespace crm {
class MySqlConnection;
namespace common::v1 {
class Change;
}
}  // namespace crm

namespace crm::reporting {

// A Contract, PaymentPlan, Receipt or Campaign change; false for any other
// record. Throws sql::SQLException.
bool ApplyReceivableChange(MySqlConnection& connection, const common::v1::Change& change);

}  // namespace crm::reporting
