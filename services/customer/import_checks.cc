// ImportChecks: preparing rows and planning a batch.
#include "services/customer/import_checks.h"

#include <cppconn/prepared_statement.h>
#include <cppconn/resultset.h>

#include <algorithm>
#include <functional>
#include <map>
#include <memory>
#include <set>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "common/base/status_util.h"
#include "common/db/database.h"
#include "common/db/multi_row.h"
#include "common/db/sql_where.h"
#include "common/text/text_checks.h"
#include "services/customer/contact_validation.h"
#include "services/customer/customer_access.h"
#include "services/customer/customer_repository.h"

namespace crm::customer {
namespace {

using v1::Contact;
using v1::ImportRowError;
using Match = ImportMatch;

ImportRowError RowError(int64_t row, std::string field, std::string message,
                        std::string duplicate_of_code = "") {
  ImportRowError error;
  error.set_row(row);
  error.set_field(std::move(field));
  error.set_message(std::move(message));
  error.set_duplicate_of_code(std::move(duplicate_of_code));
  return error;
}

// Every violation of `status` as row errors; "customer.tax_id" is reported
// as "tax_id" (the CSV column), contact fields keep their prefix.
void AddViolations(int64_t row, const absl::Status& status, std::vector<ImportRowError>& errors) {
  for (auto& [field, message] : FieldViolationsOf(status)) {
    std::string name = field;
    if (absl::StartsWith(name, "customer.")) name = name.substr(9);
    errors.push_back(RowError(row, std::move(name), std::move(message)));
  }
}

// Live customers whose `column` is one of `values`, by that value.
std::map<std::string, Match> FindLive(MySqlConnection& c, const char* column,
                                      const std::vector<std::string>& values, const char* reason) {
  std::map<std::string, Match> found;
  for (size_t done = 0; done < values.size(); done += kMaxRowsPerStatement) {
    const size_t count = std::min(values.size() - done, kMaxRowsPerStatement);
    sql::PreparedStatement& stmt =
        c.Prepare(absl::StrCat("SELECT ", column, ", id, code FROM customers WHERE ", column,
                               " IN (", InPlaceholders(count), ") AND deleted_at IS NULL"));
    for (size_t i = 0; i < PaddedInSize(count); ++i) {
      stmt.setString(static_cast<int>(i + 1), values[done + std::min(i, count - 1)]);
    }
    std::unique_ptr<sql::ResultSet> rs(stmt.executeQuery());
    while (rs->next()) found[rs->getString(1)] = Match{rs->getInt64(2), rs->getString(3), reason};
  }
  return found;
}

// The contact a row brings, prepared, or nullopt.
std::optional<Contact> RowContact(const v1::ImportRow& row) {
  if (!row.has_primary_contact()) return std::nullopt;
  Contact contact = row.primary_contact();
  PrepareContactForCreate(contact);
  contact.clear_anniversaries();                         // not imported
  if (contact.ByteSizeLong() == 0) return std::nullopt;  // every contact column empty
  return contact;
}

uint64_t KeyHash(absl::string_view kind, absl::string_view key) {
  return std::hash<std::string>()(absl::StrCat(kind, key));
}

}  // namespace

void AddRowViolations(int64_t row, const absl::Status& status,
                      std::vector<ImportRowError>& errors) {
  AddViolations(row, status, errors);
}

ImportChecks::ImportChecks(Database& db, const CallContext& call, const v1::ImportOptions& options,
                           CreateDefaults defaults)
    : db_(db), call_(call), options_(options), defaults_(std::move(defaults)) {}

absl::Status ImportChecks::Prepare(std::vector<ImportCandidate>& batch) {
  if (!reference_) {
    CRM_RETURN_IF_ERROR(db_.Run(
        "customer.import.reference", call_.deadline, [&](MySqlConnection& c) -> absl::Status {
          reference_ = ReferenceData::Load(c);
          // Whether a multi-row insert gets consecutive ids (InnoDB's
          // "consecutive" or "traditional" lock mode, step 1).
          std::unique_ptr<sql::ResultSet> rs(
              c.Prepare("SELECT @@innodb_autoinc_lock_mode, @@auto_increment_increment")
                  .executeQuery());
          consecutive_ids_ = rs->next() && rs->getInt(1) != 2 && rs->getInt(2) == 1;
          return absl::OkStatus();
        }));
  }
  for (ImportCandidate& k : batch) {
    if (!k.read_errors.empty()) continue;
    k.code = std::string(TrimText(k.data.customer().code()));
    k.prepared = k.data.customer();
    PrepareForCreate(k.prepared, defaults_);
    const v1::City* city = k.prepared.city().empty()
                               ? nullptr
                               : reference_->FindCity(k.prepared.region_code(), k.prepared.city());
    k.city_id = city == nullptr ? 0 : city->id();
    if (city != nullptr && k.prepared.province().empty()) k.prepared.set_province(city->province());
    k.tax_id = k.prepared.tax_id();
    k.credit_code = k.prepared.credit_code();
    k.name_city = NameCityKey(k.prepared.name(), k.city_id);
    k.contact = RowContact(k.data);
    if (k.contact && k.contact->owner_id() == 0) k.contact->set_owner_id(call_.caller.employee_id);
    // Were it new, every field and reference must hold.
    if (absl::Status s = ValidateCustomer(k.prepared, kImportCustomerPrefix); !s.ok()) {
      AddViolations(k.row, s, k.create_errors);
    }
    if (absl::Status s = reference_->CheckCustomer(k.prepared, nullptr, kImportCustomerPrefix);
        !s.ok()) {
      AddViolations(k.row, s, k.create_errors);
    }
    if (k.contact) {
      Contact contact = *k.contact;
      contact.set_customer_id(1);  // the new customer's id, set on insert
      if (absl::Status s = ValidateContact(contact, kImportContactPrefix); !s.ok()) {
        AddViolations(k.row, s, k.create_errors);
      }
    }
  }
  return absl::OkStatus();
}

ImportPlan ImportChecks::Check(MySqlConnection& c, const std::vector<ImportCandidate>& batch,
                               absl::flat_hash_map<uint64_t, int64_t>& seen) const {
  ImportPlan plan;
  const bool upsert = options_.mode() == v1::ImportOptions::MODE_UPSERT;

  // Every live customer holding one of the batch's identity keys.
  std::vector<std::string> codes, tax_ids, credit_codes, name_cities;
  for (const ImportCandidate& k : batch) {
    if (!k.read_errors.empty()) continue;
    if (!k.code.empty()) codes.push_back(k.code);
    if (!k.tax_id.empty()) tax_ids.push_back(k.tax_id);
    if (!k.credit_code.empty()) credit_codes.push_back(k.credit_code);
    name_cities.push_back(k.name_city);
  }
  auto by_code = FindLive(c, "code", codes, "same code");
  auto by_tax_id = FindLive(c, "live_tax_id", tax_ids, "same tax ID");
  auto by_credit_code =
      FindLive(c, "live_credit_code", credit_codes, "same unified social credit code");
  auto by_name_city = FindLive(c, "live_name_city", name_cities, "same name in the same city");
  {
    std::vector<int64_t> matched;
    for (const auto* found : {&by_code, &by_credit_code, &by_tax_id, &by_name_city}) {
      for (const auto& [key, match] : *found) matched.push_back(match.id);
    }
    const std::set<int64_t> visible = VisibleAmong(c, call_.caller, matched);
    for (auto* found : {&by_code, &by_credit_code, &by_tax_id, &by_name_city}) {
      for (auto& [key, match] : *found) match.visible = visible.count(match.id) > 0;
    }
  }

  for (size_t i = 0; i < batch.size(); ++i) {
    const ImportCandidate& candidate = batch[i];
    const int64_t row = candidate.row;
    const size_t errors_before = plan.errors.size();
    auto fail = [&]() { ++plan.failed; };
    if (!candidate.read_errors.empty()) {
      for (const auto& e : candidate.read_errors) plan.errors.push_back(e);
      fail();
      continue;
    }
    const ImportCandidate& k = candidate;
    // What the row matches: by code first, then credit code, tax ID, name
    // in city.
    std::vector<const Match*> matches;
    if (auto it = by_code.find(k.code); !k.code.empty() && it != by_code.end()) {
      matches.push_back(&it->second);
    }
    if (auto it = by_credit_code.find(k.credit_code);
        !k.credit_code.empty() && it != by_credit_code.end()) {
      matches.push_back(&it->second);
    }
    if (auto it = by_tax_id.find(k.tax_id); !k.tax_id.empty() && it != by_tax_id.end()) {
      matches.push_back(&it->second);
    }
    if (auto it = by_name_city.find(k.name_city); it != by_name_city.end()) {
      matches.push_back(&it->second);
    }
    // ... and earlier rows of this import.
    int64_t repeats_row = 0;
    for (const uint64_t key :
         {k.tax_id.empty() ? 0 : KeyHash("t", k.tax_id),
          k.credit_code.empty() ? 0 : KeyHash("k", k.credit_code), KeyHash("n", k.name_city)}) {
      if (key == 0) continue;
      auto [it, inserted] = seen.try_emplace(key, row);
      if (!inserted && repeats_row == 0) repeats_row = it->second;
    }
    if (repeats_row != 0) {
      plan.errors.push_back(
          RowError(row, "",
                   absl::StrCat("repeats row ", repeats_row,
                                " (same credit code, tax ID or name in the city)")));
      fail();
      continue;
    }
    std::optional<Contact> contact = k.contact;
    if (!matches.empty()) {
      const Match& first = *matches.front();
      if (!upsert) {
        plan.errors.push_back(RowError(
            row, "",
            absl::StrCat("a customer with the ", first.reason, " exists (", first.described(), ")"),
            first.shown_code()));
        fail();
        continue;
      }
      bool ambiguous = false;
      for (const Match* other : matches) {
        if (other->id != first.id) {
          plan.errors.push_back(RowError(
              row, "",
              absl::StrCat("matches two customers: ", first.described(), " (", first.reason,
                           ") and ", other->described(), " (", other->reason, ")"),
              first.shown_code()));
          ambiguous = true;
          break;
        }
      }
      if (ambiguous) {
        fail();
        continue;
      }
      if (contact) contact->set_customer_id(first.id);
      plan.updates.push_back({row, first, candidate.data.customer(), std::move(contact)});
      continue;
    }
    // A new customer.
    for (const auto& e : k.create_errors) plan.errors.push_back(e);
    if (plan.errors.size() > errors_before) {
      fail();
      continue;
    }
    // Copied: a check may run twice (see WriteBatch).
    plan.creates.push_back({row, k.prepared, k.city_id, std::move(contact)});
  }
  return plan;
}

}  // namespace crm::customer
