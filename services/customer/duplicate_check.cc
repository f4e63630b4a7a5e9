// DuplicateCheck: one indexed query per reason, then who may see what.
#include "services/customer/duplicate_check.h"

#include <cppconn/prepared_statement.h>
#include <cppconn/resultset.h>

#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "common/base/status_util.h"
#include "common/db/database.h"
#include "common/text/text_checks.h"
#include "services/customer/customer_access.h"
#include "services/customer/customer_validation.h"
#include "services/customer/duplicate_keys.h"

namespace crm::customer {
namespace {

using v1::DuplicateCandidate;

constexpr int kPerReason = 20;
// Shorter phone keys (an extension, a typo) would match too much.
constexpr size_t kShortestPhoneKey = 5;

// One reason's lookup: live customers whose `column` holds a value.
struct Lookup {
  const char* column;
  std::string value;
  DuplicateCandidate::Reason reason;
};

absl::Status Validate(const v1::CheckDuplicatesRequest& request) {
  FieldViolations v;
  if (request.name().empty() && request.credit_code().empty() && request.tax_id().empty() &&
      request.phone().empty()) {
    v.Add("name", "or credit_code, tax_id or phone is required");
  }
  CheckText(v, "name", request.name(), 200, Presence::kOptional);
  if (!request.credit_code().empty()) {
    if (std::optional<std::string> problem = CreditCodeProblem(request.credit_code())) {
      v.Add("credit_code", *problem);
    }
  }
  CheckText(v, "tax_id", request.tax_id(), 32, Presence::kOptional);
  CheckText(v, "phone", request.phone(), 32, Presence::kOptional);
  if (request.exclude_customer_id() < 0) {
    v.Add("exclude_customer_id", "must be a customer id, or 0 for none");
  }
  return v.ToStatus();
}

}  // namespace

absl::Status DuplicateCheck::CheckDuplicates(const CallContext& call,
                                             const v1::CheckDuplicatesRequest& request,
                                             v1::CheckDuplicatesResponse* response) {
  CRM_RETURN_IF_ERROR(Validate(request));
  std::vector<Lookup> lookups;
  if (!request.credit_code().empty()) {
    lookups.push_back(
        {"c.live_credit_code", request.credit_code(), DuplicateCandidate::SAME_CREDIT_CODE});
  }
  const std::string tax_id = NormalizeTaxId(request.tax_id());
  if (!tax_id.empty()) {
    lookups.push_back({"c.live_tax_id", tax_id, DuplicateCandidate::SAME_TAX_ID});
  }
  const std::string name_key = NameKey(request.name());
  if (!name_key.empty()) {
    lookups.push_back({"c.name_key", name_key, DuplicateCandidate::SAME_NAME});
  }
  const std::string phone_key = PhoneKey(request.phone());
  if (phone_key.size() >= kShortestPhoneKey) {
    lookups.push_back({"c.phone_key", phone_key, DuplicateCandidate::SAME_PHONE});
  }
  return db_.Run("customer.check_duplicates", call.deadline, [&](MySqlConnection& c) {
    std::vector<DuplicateCandidate> found;  // in the order first found
    std::map<int64_t, size_t> index_of;
    for (const Lookup& lookup : lookups) {
      sql::PreparedStatement& stmt = c.Prepare(absl::StrCat(
          "SELECT c.id, c.code, c.name, ci.name, c.owner_id FROM customers c"
          " LEFT JOIN cities ci ON ci.id = c.city_id WHERE ",
          lookup.column, " = ? AND c.deleted_at IS NULL AND c.id <> ? ORDER BY c.id LIMIT ?"));
      stmt.setString(1, lookup.value);
      stmt.setInt64(2, request.exclude_customer_id());
      stmt.setInt(3, kPerReason);
      std::unique_ptr<sql::ResultSet> rs(stmt.executeQuery());
      while (rs->next()) {
        const int64_t id = rs->getInt64(1);
        auto [it, added] = index_of.try_emplace(id, found.size());
        if (added) {
          DuplicateCandidate candidate;
          candidate.set_customer_id(id);
          candidate.set_code(rs->getString(2));
          candidate.set_name(rs->getString(3));
          if (!rs->isNull(4)) candidate.set_city(rs->getString(4));
          candidate.set_owner_employee_id(rs->getInt64(5));
          candidate.set_in_pool(candidate.owner_employee_id() == 0);
          found.push_back(std::move(candidate));
        }
        found[it->second].add_reasons(lookup.reason);
      }
    }
    std::vector<int64_t> ids;
    for (const DuplicateCandidate& candidate : found) ids.push_back(candidate.customer_id());
    const std::set<int64_t> visible = VisibleAmong(c, call.caller, ids);
    for (DuplicateCandidate& candidate : found) {
      if (visible.count(candidate.customer_id()) > 0) {
        candidate.set_visible(true);
      } else {
        // That it exists and whose it is; nothing of its data.
        candidate.clear_customer_id();
        candidate.clear_code();
        candidate.clear_name();
        candidate.clear_city();
      }
      *response->add_candidates() = std::move(candidate);
    }
    return absl::OkStatus();
  });
}

}  // namespace crm::customer
