// The documents approvals are for (approval.proto), as the approval code
// sees them: one shape for orders, quotes, contracts and receipt voids, read
// inside the caller's transaction.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "common/db/visibility.h"
#include "crm/sales/v1/approval.pb.h"
#include "services/sales/approval_rules.h"

namespace crm {
class MySqlConnection;
}

namespace crm::sales {

struct ApprovalDocument {
  v1::ApprovalDocumentType type = v1::APPROVAL_DOCUMENT_TYPE_UNSPECIFIED;
  int64_t id = 0;
  std::string number;  // what people call it: SO…, QT…, CT…, or "receipt 12"
  int64_t owner_id = 0;
  int64_t owner_department_id = 0;
  std::string owner_department_path;
  ApprovalFacts facts;
  // Why it cannot be submitted now ("" when it can): not a draft, say.
  std::string not_submittable;
};

// Document `id` of `type` if in `scope` (VisibilityScope{kAll}: whoever
// asks), locked when `for_update` (receipts never change and are not
// locked); nullopt otherwise. Throws sql::SQLException.
std::optional<ApprovalDocument> LoadApprovalDocument(MySqlConnection& connection,
                                                     v1::ApprovalDocumentType type,
                                                     const VisibilityScope& scope, int64_t id,
                                                     bool for_update);

// "order", "quote", "contract", "receipt".
const char* DocumentNoun(v1::ApprovalDocumentType type);

}  // namespace crm::sales
