// CustomerImporter: plan a batch (what each row becomes), then write it.
#include "services/customer/customer_import.h"

#include <cppconn/prepared_statement.h>
#include <cppconn/resultset.h>

#include <algorithm>
#include <functional>
#include <map>
#include <memory>
#include <optional>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "common/base/status_util.h"
#include "common/db/database.h"
#include "common/db/multi_row.h"
#include "common/db/sql_time.h"
#include "common/db/sql_where.h"
#include "common/feed/change_log.h"
#include "common/text/text_checks.h"
#include "services/customer/contact_repository.h"
#include "services/customer/contact_validation.h"
#include "services/customer/customer_access.h"
#include "services/customer/customer_code.h"
#include "services/customer/customer_repository.h"
#include "services/customer/customer_row.h"
#include "services/customer/reference_data.h"

namespace crm::customer {
namespace {

using v1::Contact;
using v1::Customer;
using v1::ImportRowError;

constexpr char kCustomerPrefix[] = "customer";
constexpr char kContactPrefix[] = "primary_contact";

// A live customer a row may match, and by what.
struct Match {
  int64_t id = 0;
  std::string code;
  std::string reason;  // "same code", "same tax ID", "same name in the same city"
};

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

// Customers by code, as stored (for the change rows of new ones).
std::map<std::string, Customer> LoadByCodes(MySqlConnection& c,
                                            const std::vector<std::string>& codes) {
  std::map<std::string, Customer> loaded;
  for (size_t done = 0; done < codes.size(); done += kMaxRowsPerStatement) {
    const size_t count = std::min(codes.size() - done, kMaxRowsPerStatement);
    sql::PreparedStatement& stmt =
        c.Prepare(absl::StrCat(kCustomerSelect, " WHERE c.code IN (", InPlaceholders(count), ")"));
    for (size_t i = 0; i < PaddedInSize(count); ++i) {
      stmt.setString(static_cast<int>(i + 1), codes[done + std::min(i, count - 1)]);
    }
    std::unique_ptr<sql::ResultSet> rs(stmt.executeQuery());
    while (rs->next()) {
      Customer customer = ReadCustomer(*rs);
      std::string code = customer.code();
      loaded.emplace(std::move(code), std::move(customer));
    }
  }
  return loaded;
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

// What a batch becomes.
struct CustomerImporter::Plan {
  struct New {
    int64_t row;
    Customer customer;  // prepared; gets its code on insert
    int64_t city_id;
    std::optional<Contact> contact;
  };
  struct Update {
    int64_t row;
    Match match;
    Customer patch;  // the row's fields (an implied update mask)
    std::optional<Contact> contact;
  };
  std::vector<New> creates;
  std::vector<Update> updates;
  std::vector<ImportRowError> errors;
  int64_t failed = 0;
};

CustomerImporter::CustomerImporter(Database& db, CustomerRepository& customers,
                                   ContactRepository& contacts, const CallContext& call,
                                   const v1::ImportOptions& options, CreateDefaults defaults)
    : db_(db),
      customers_(customers),
      contacts_(contacts),
      call_(call),
      options_(options),
      defaults_(std::move(defaults)) {}

absl::Status CustomerImporter::Prepare(std::vector<ImportCandidate>& batch) {
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
    k.name_city = NameCityKey(k.prepared.name(), k.city_id);
    k.contact = RowContact(k.data);
    if (k.contact && k.contact->owner_id() == 0) k.contact->set_owner_id(call_.caller.employee_id);
    // Were it new, every field and reference must hold.
    if (absl::Status s = ValidateCustomer(k.prepared, kCustomerPrefix); !s.ok()) {
      AddViolations(k.row, s, k.create_errors);
    }
    if (absl::Status s = reference_->CheckCustomer(k.prepared, nullptr, kCustomerPrefix); !s.ok()) {
      AddViolations(k.row, s, k.create_errors);
    }
    if (k.contact) {
      Contact contact = *k.contact;
      contact.set_customer_id(1);  // the new customer's id, set on insert
      if (absl::Status s = ValidateContact(contact, kContactPrefix); !s.ok()) {
        AddViolations(k.row, s, k.create_errors);
      }
    }
  }
  return absl::OkStatus();
}

CustomerImporter::Plan CustomerImporter::Check(MySqlConnection& c,
                                               std::vector<ImportCandidate>& batch,
                                               absl::flat_hash_map<uint64_t, int64_t>& seen) {
  Plan plan;
  const bool upsert = options_.mode() == v1::ImportOptions::MODE_UPSERT;

  // Every live customer holding one of the batch's identity keys.
  std::vector<std::string> codes, tax_ids, name_cities;
  for (const ImportCandidate& k : batch) {
    if (!k.read_errors.empty()) continue;
    if (!k.code.empty()) codes.push_back(k.code);
    if (!k.tax_id.empty()) tax_ids.push_back(k.tax_id);
    name_cities.push_back(k.name_city);
  }
  const auto by_code = FindLive(c, "code", codes, "same code");
  const auto by_tax_id = FindLive(c, "live_tax_id", tax_ids, "same tax ID");
  const auto by_name_city =
      FindLive(c, "live_name_city", name_cities, "same name in the same city");

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
    // What the row matches: by code first, then tax ID, then name in city.
    std::vector<const Match*> matches;
    if (auto it = by_code.find(k.code); !k.code.empty() && it != by_code.end()) {
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
         {k.tax_id.empty() ? 0 : KeyHash("t", k.tax_id), KeyHash("n", k.name_city)}) {
      if (key == 0) continue;
      auto [it, inserted] = seen.try_emplace(key, row);
      if (!inserted && repeats_row == 0) repeats_row = it->second;
    }
    if (repeats_row != 0) {
      plan.errors.push_back(RowError(
          row, "",
          absl::StrCat("repeats row ", repeats_row, " (same tax ID or name in the city)")));
      fail();
      continue;
    }
    std::optional<Contact> contact = k.contact;
    if (!matches.empty()) {
      const Match& first = *matches.front();
      if (!upsert) {
        plan.errors.push_back(RowError(
            row, "",
            absl::StrCat("a customer with the ", first.reason, " exists (", first.code, ")"),
            first.code));
        fail();
        continue;
      }
      bool ambiguous = false;
      for (const Match* other : matches) {
        if (other->id != first.id) {
          plan.errors.push_back(
              RowError(row, "",
                       absl::StrCat("matches two customers: ", first.code, " (", first.reason,
                                    ") and ", other->code, " (", other->reason, ")"),
                       first.code));
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

void CustomerImporter::AssignCodes(MySqlConnection& c, Plan& plan) {
  std::map<std::string, int> counts;
  std::vector<std::string> prefixes;
  for (Plan::New& n : plan.creates) {
    const v1::City* city = reference_->CityById(n.city_id);
    prefixes.push_back(CodePrefix(n.customer.importance(), city ? city->area_code() : ""));
    ++counts[prefixes.back()];
  }
  std::map<std::string, int64_t> next = ReserveCodeSequences(c, counts);
  for (size_t i = 0; i < plan.creates.size(); ++i) {
    plan.creates[i].customer.set_code(FormatCustomerCode(prefixes[i], next[prefixes[i]]++));
  }
}

void CustomerImporter::AwaitInsertTurn(int64_t number) {
  std::unique_lock<std::mutex> lock(turn_mu_);
  turn_cv_.wait(lock, [&] { return passed_through_ >= number - 1; });
}

void CustomerImporter::PassInsertTurn(int64_t number) {
  {
    std::lock_guard<std::mutex> lock(turn_mu_);
    passed_.insert(number);
    while (!passed_.empty() && *passed_.begin() <= passed_through_ + 1) {
      passed_through_ = std::max(passed_through_, *passed_.begin());
      passed_.erase(passed_.begin());
    }
  }
  turn_cv_.notify_all();
}

void CustomerImporter::InsertNew(MySqlConnection& c, int64_t number, Plan& plan) {
  if (plan.creates.empty()) return;
  AwaitInsertTurn(number);
  const Owner owner = options_.to_pool() ? Owner{} : OwnerOf(call_.caller);
  const RowExtras extras{0,
                         owner.employee_id,
                         owner.department_id,
                         owner.department_path,
                         "",
                         FormatSqlDateTime(absl::Now())};
  std::vector<int64_t> ids(plan.creates.size());
  InsertRowsExactly(
      c, kCustomerInsertHead, kCustomerInsertGroup, "", plan.creates.size(),
      [&](sql::PreparedStatement& stmt, int first, size_t row, bool) {
        RowExtras row_extras = extras;
        row_extras.city_id = plan.creates[row].city_id;
        return BindCustomerInsert(stmt, first, plan.creates[row].customer, row_extras);
      },
      [&](size_t first_row, size_t count) {
        if (!consecutive_ids_) return;
        const int64_t first_id = c.LastInsertId();
        for (size_t k = 0; k < count; ++k) ids[first_row + k] = first_id + static_cast<int64_t>(k);
      });
  PassInsertTurn(number);  // its keys are taken: a later batch's same key now waits for it
  if (consecutive_ids_) {
    for (size_t i = 0; i < plan.creates.size(); ++i) {
      RowExtras row_extras = extras;
      row_extras.city_id = plan.creates[i].city_id;
      plan.creates[i].customer = InsertedCustomer(plan.creates[i].customer, ids[i], row_extras);
    }
  } else {
    std::vector<std::string> codes;
    for (const Plan::New& n : plan.creates) codes.push_back(n.customer.code());
    std::map<std::string, Customer> stored = LoadByCodes(c, codes);
    for (Plan::New& n : plan.creates) n.customer = std::move(stored[n.customer.code()]);
  }
  std::vector<Contact> contacts;
  for (Plan::New& n : plan.creates) {
    if (!n.contact) continue;
    n.contact->set_customer_id(n.customer.id());
    contacts.push_back(*n.contact);
  }
  contacts = InsertFirstContacts(c, contacts, extras.now, consecutive_ids_);
  std::vector<ChangeRecord> changes;
  changes.reserve(plan.creates.size() + contacts.size());
  for (const Plan::New& n : plan.creates) {
    changes.push_back({ChangeOp::kCreate, n.customer.id(), &n.customer});
  }
  for (const Contact& contact : contacts) {
    changes.push_back({ChangeOp::kCreate, contact.id(), &contact});
  }
  AppendChanges(c, call_, changes);
}

void CustomerImporter::UpdateMatches(Plan& plan, ImportTally& tally) {
  for (Plan::Update& u : plan.updates) {
    std::vector<ImportRowError> errors;
    if (options_.dry_run()) {
      // Checked as the update would be, without writing.
      absl::StatusOr<Customer> current = customers_.Get(call_, u.match.id);
      if (current.ok()) {
        Customer merged = *current;
        absl::Status s = ApplyUpdateMask({}, u.patch, merged);
        if (s.ok()) s = ValidateCustomer(merged, kCustomerPrefix);
        if (!s.ok()) AddViolations(u.row, s, errors);
      } else {
        AddViolations(u.row, current.status(), errors);
      }
    } else {
      absl::StatusOr<Customer> updated =
          customers_.Update(call_, u.match.id, "", [&](Customer& customer) {
            CRM_RETURN_IF_ERROR(ApplyUpdateMask({}, u.patch, customer));
            return ValidateCustomer(customer, kCustomerPrefix);
          });
      if (!updated.ok()) AddViolations(u.row, updated.status(), errors);
      if (updated.ok() && u.contact) {
        absl::Status s = UpsertPrimaryContact(u.match.id, *u.contact);
        if (!s.ok()) AddViolations(u.row, s, errors);
      }
    }
    if (errors.empty()) {
      ++tally.updated;
    } else {
      ++tally.failed;
      for (auto& e : errors) {
        if (e.duplicate_of_code().empty()) e.set_duplicate_of_code(u.match.code);
        plan.errors.push_back(std::move(e));
      }
    }
  }
}

absl::Status CustomerImporter::UpsertPrimaryContact(int64_t customer_id, const Contact& patch) {
  absl::StatusOr<ContactPage> existing = contacts_.List(call_, customer_id, "", 1, std::nullopt);
  if (!existing.ok()) return existing.status();
  if (existing->contacts.empty() || !existing->contacts[0].primary()) {
    Contact contact = patch;
    CRM_RETURN_IF_ERROR(ValidateContact(contact, kContactPrefix));
    return contacts_.Create(call_, contact, "").status();
  }
  return contacts_
      .Update(call_, existing->contacts[0].id(), "",
              [&](Contact& contact) {
                Contact fields = patch;  // its non-empty fields replace the stored ones
                fields.clear_owner_id();
                CRM_RETURN_IF_ERROR(ApplyContactMask({}, fields, contact));
                return ValidateContact(contact, kContactPrefix);
              })
      .status();
}

absl::Status CustomerImporter::WriteBatch(int64_t number, std::vector<ImportCandidate>& batch,
                                          ImportTally& tally) {
  // However this ends, later batches must not wait for this one any more.
  struct PassTurn {
    CustomerImporter* importer;
    int64_t number;
    ~PassTurn() { importer->PassInsertTurn(number); }
  } pass_turn{this, number};
  Plan plan;
  if (options_.dry_run()) {
    CRM_RETURN_IF_ERROR(db_.Run("customer.import.check", call_.deadline, [&](MySqlConnection& c) {
      plan = Check(c, batch, seen_keys_);
      return absl::OkStatus();
    }));
  } else {
    // Check (consistent reads), reserve the codes (a short transaction of
    // its own, so batches written side by side do not queue on the counter
    // rows; a batch that then fails leaves a gap in the sequences), then
    // write. A key taken meanwhile by another writer (ALREADY_EXISTS) or a
    // deadlock with one (ABORTED) rolls the write back: checked again, the
    // row is reported instead.
    absl::Status status;
    for (int attempt = 0; attempt < 3; ++attempt) {
      absl::flat_hash_map<uint64_t, int64_t> seen;  // within the batch
      status = db_.Run("customer.import.check", call_.deadline, [&](MySqlConnection& c) {
        plan = Check(c, batch, seen);
        return absl::OkStatus();
      });
      if (status.ok() && !plan.creates.empty()) {
        status =
            db_.RunInTransaction("customer.import.codes", call_.deadline, [&](MySqlConnection& c) {
              AssignCodes(c, plan);
              return absl::OkStatus();
            });
      }
      if (status.ok() && !plan.creates.empty()) {
        status =
            db_.RunInTransaction("customer.import.batch", call_.deadline, [&](MySqlConnection& c) {
              InsertNew(c, number, plan);
              return absl::OkStatus();
            });
      }
      if (status.code() != absl::StatusCode::kAlreadyExists &&
          status.code() != absl::StatusCode::kAborted) {
        break;
      }
    }
    CRM_RETURN_IF_ERROR(status);
  }
  tally.created += static_cast<int64_t>(plan.creates.size());
  tally.failed += plan.failed;
  UpdateMatches(plan, tally);
  std::stable_sort(
      plan.errors.begin(), plan.errors.end(),
      [](const ImportRowError& a, const ImportRowError& b) { return a.row() < b.row(); });
  for (auto& e : plan.errors) tally.errors.push_back(std::move(e));
  return absl::OkStatus();
}

}  // namespace crm::customer
