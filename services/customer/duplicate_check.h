// CheckDuplicates (查重): the live customers a company about to be entered
// may already be, by credit code, tax ID, name key and phone key, shown as
// far as the caller may see them.
#pragma once

#include "absl/status/status.h"
#include "common/rpc/call_context.h"
#include "crm/customer/v1/duplicates.pb.h"

namespace crm {
class Database;
}

namespace crm::customer {

class DuplicateCheck {
 public:
  explicit DuplicateCheck(Database& db) : db_(db) {}

  absl::Status CheckDuplicates(const CallContext& call, const v1::CheckDuplicatesRequest& request,
                               v1::CheckDuplicatesResponse* response);

 private:
  Database& db_;
};

}  // namespace crm::customer
