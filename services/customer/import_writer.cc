// ImportWriter: codes, inserts and change rows of a planned batch; updates of
// the rows that match.
#include "services/customer/import_writer.h"

#include <cppconn/prepared_statement.h>
#include <cppconn/resultset.h>

#include <algorithm>
#include <map>
#include <memory>

#include "absl/strings/str_cat.h"
#include "common/base/status_util.h"
#include "common/db/database.h"
#include "common/db/multi_row.h"
#include "common/db/sql_time.h"
#include "common/feed/change_log.h"
#include "services/customer/contact_repository.h"
#include "services/customer/contact_validation.h"
#include "services/customer/customer_access.h"
#include "services/customer/customer_code.h"
#include "services/customer/customer_repository.h"
#include "services/customer/customer_row.h"

namespace crm::customer {
namespace {

using v1::Contact;
using v1::Customer;
using v1::ImportRowError;

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

}  // namespace

ImportWriter::ImportWriter(Database& db, CustomerRepository& customers, ContactRepository& contacts,
                           const CallContext& call, const v1::ImportOptions& options,
                           CreateDefaults defaults)
    : db_(db),
      customers_(customers),
      contacts_(contacts),
      call_(call),
      options_(options),
      checks_(db, call, options, std::move(defaults)) {}

void ImportWriter::AssignCodes(MySqlConnection& c, ImportPlan& plan) {
  std::map<std::string, int> counts;
  std::vector<std::string> prefixes;
  for (ImportPlan::New& n : plan.creates) {
    const v1::City* city = checks_.reference().CityById(n.city_id);
    prefixes.push_back(CodePrefix(n.customer.importance(), city ? city->area_code() : ""));
    ++counts[prefixes.back()];
  }
  std::map<std::string, int64_t> next = ReserveCodeSequences(c, counts);
  for (size_t i = 0; i < plan.creates.size(); ++i) {
    plan.creates[i].customer.set_code(FormatCustomerCode(prefixes[i], next[prefixes[i]]++));
  }
}

void ImportWriter::AwaitInsertTurn(int64_t number) {
  std::unique_lock<std::mutex> lock(turn_mu_);
  turn_cv_.wait(lock, [&] { return passed_through_ >= number - 1; });
}

void ImportWriter::PassInsertTurn(int64_t number) {
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

void ImportWriter::InsertNew(MySqlConnection& c, int64_t number, ImportPlan& plan) {
  if (plan.creates.empty()) return;
  AwaitInsertTurn(number);
  const Owner owner = options_.to_pool() ? Owner{} : CurrentOwner(c, call_.caller);
  const RowExtras extras{0,
                         owner.employee_id,
                         owner.department_id,
                         owner.department_path,
                         "",
                         FormatSqlDateTime(call_.Now())};
  std::vector<int64_t> ids(plan.creates.size());
  InsertRowsExactly(
      c, kCustomerInsertHead, kCustomerInsertGroup, "", plan.creates.size(),
      [&](sql::PreparedStatement& stmt, int first, size_t row, bool) {
        RowExtras row_extras = extras;
        row_extras.city_id = plan.creates[row].city_id;
        return BindCustomerInsert(stmt, first, plan.creates[row].customer, row_extras);
      },
      [&](size_t first_row, size_t count) {
        if (!checks_.consecutive_ids()) return;
        const int64_t first_id = c.LastInsertId();
        for (size_t k = 0; k < count; ++k) ids[first_row + k] = first_id + static_cast<int64_t>(k);
      });
  PassInsertTurn(number);  // its keys are taken: a later batch's same key now waits for it
  if (checks_.consecutive_ids()) {
    for (size_t i = 0; i < plan.creates.size(); ++i) {
      RowExtras row_extras = extras;
      row_extras.city_id = plan.creates[i].city_id;
      plan.creates[i].customer = InsertedCustomer(plan.creates[i].customer, ids[i], row_extras);
    }
  } else {
    std::vector<std::string> codes;
    for (const ImportPlan::New& n : plan.creates) codes.push_back(n.customer.code());
    std::map<std::string, Customer> stored = LoadByCodes(c, codes);
    for (ImportPlan::New& n : plan.creates) n.customer = std::move(stored[n.customer.code()]);
  }
  std::vector<Contact> contacts;
  for (ImportPlan::New& n : plan.creates) {
    if (!n.contact) continue;
    n.contact->set_customer_id(n.customer.id());
    contacts.push_back(*n.contact);
  }
  contacts = InsertFirstContacts(c, contacts, extras.now, checks_.consecutive_ids());
  std::vector<ChangeRecord> changes;
  changes.reserve(plan.creates.size() + contacts.size());
  for (const ImportPlan::New& n : plan.creates) {
    changes.push_back({ChangeOp::kCreate, n.customer.id(), &n.customer});
  }
  for (const Contact& contact : contacts) {
    changes.push_back({ChangeOp::kCreate, contact.id(), &contact});
  }
  AppendChanges(c, call_, changes);
}

void ImportWriter::UpdateMatches(ImportPlan& plan, ImportTally& tally) {
  for (ImportPlan::Update& u : plan.updates) {
    std::vector<ImportRowError> errors;
    if (options_.dry_run()) {
      // Checked as the update would be, without writing.
      absl::StatusOr<Customer> current = customers_.Get(call_, u.match.id);
      if (current.ok()) {
        Customer merged = *current;
        absl::Status s = ApplyUpdateMask({}, u.patch, merged);
        if (s.ok()) s = ValidateCustomer(merged, kImportCustomerPrefix);
        if (!s.ok()) AddRowViolations(u.row, s, errors);
      } else {
        AddRowViolations(u.row, current.status(), errors);
      }
    } else {
      absl::StatusOr<Customer> updated =
          customers_.Update(call_, u.match.id, "", [&](Customer& customer) {
            CRM_RETURN_IF_ERROR(ApplyUpdateMask({}, u.patch, customer));
            return ValidateCustomer(customer, kImportCustomerPrefix);
          });
      if (!updated.ok()) AddRowViolations(u.row, updated.status(), errors);
      if (updated.ok() && u.contact) {
        absl::Status s = UpsertPrimaryContact(u.match.id, *u.contact);
        if (!s.ok()) AddRowViolations(u.row, s, errors);
      }
    }
    if (errors.empty()) {
      ++tally.updated;
    } else {
      ++tally.failed;
      for (auto& e : errors) {
        if (e.duplicate_of_code().empty()) e.set_duplicate_of_code(u.match.shown_code());
        plan.errors.push_back(std::move(e));
      }
    }
  }
}

absl::Status ImportWriter::UpsertPrimaryContact(int64_t customer_id, const Contact& patch) {
  absl::StatusOr<ContactPage> existing = contacts_.List(call_, customer_id, "", 1, std::nullopt);
  if (!existing.ok()) return existing.status();
  if (existing->contacts.empty() || !existing->contacts[0].primary()) {
    Contact contact = patch;
    CRM_RETURN_IF_ERROR(ValidateContact(contact, kImportContactPrefix));
    return contacts_.Create(call_, contact, "").status();
  }
  return contacts_
      .Update(call_, existing->contacts[0].id(), "",
              [&](Contact& contact) {
                Contact fields = patch;  // its non-empty fields replace the stored ones
                fields.clear_owner_id();
                CRM_RETURN_IF_ERROR(ApplyContactMask({}, fields, contact));
                return ValidateContact(contact, kImportContactPrefix);
              })
      .status();
}

absl::Status ImportWriter::WriteBatch(int64_t number, std::vector<ImportCandidate>& batch,
                                      ImportTally& tally) {
  // However this ends, later batches must not wait for this one any more.
  struct PassTurn {
    ImportWriter* importer;
    int64_t number;
    ~PassTurn() { importer->PassInsertTurn(number); }
  } pass_turn{this, number};
  ImportPlan plan;
  if (options_.dry_run()) {
    CRM_RETURN_IF_ERROR(db_.Run("customer.import.check", call_.deadline, [&](MySqlConnection& c) {
      plan = checks_.Check(c, batch, seen_keys_);
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
        plan = checks_.Check(c, batch, seen);
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
