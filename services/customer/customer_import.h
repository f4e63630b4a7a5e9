// The database side of bulk import (R9): checks a batch of rows (fields,
// references, duplicates against the database and against earlier rows of
// the same import) and writes it. New customers of a batch go in with one
// transaction: codes reserved per prefix at once, multi-row inserts, change
// rows appended together; matches in upsert mode are updated one by one
// through the repositories (each row its own transaction).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "common/call_context.h"
#include "crm/customer/v1/bulk.pb.h"
#include "services/customer/customer_validation.h"
#include "services/customer/reference_data.h"

namespace crm {
class Database;
class MySqlConnection;
}  // namespace crm

namespace crm::customer {

class ContactRepository;
class CustomerRepository;

// One row as read: its 1-based number, the fields, and what could not be
// read (then the row fails without further checks); then what
// CustomerImporter::Prepare makes of it.
struct ImportCandidate {
  int64_t row = 0;
  v1::ImportRow data;
  std::vector<v1::ImportRowError> read_errors;

  v1::Customer prepared;  // as it would be created (defaults, normalised)
  int64_t city_id = 0;
  std::string code, tax_id, name_city;            // identity keys (see FindDuplicate)
  std::optional<v1::Contact> contact;             // its primary contact, if any
  std::vector<v1::ImportRowError> create_errors;  // why it cannot be created
};

struct ImportTally {
  int64_t created = 0;
  int64_t updated = 0;
  int64_t failed = 0;
  std::vector<v1::ImportRowError> errors;  // of this batch, in row order
};

class CustomerImporter {
 public:
  CustomerImporter(Database& db, CustomerRepository& customers, ContactRepository& contacts,
                   const CallContext& call, const v1::ImportOptions& options,
                   CreateDefaults defaults);

  // The checks of each row that need no transaction (fields, references
  // against a snapshot taken at the first batch): CPU work that can overlap
  // the previous batch's write.
  absl::Status Prepare(std::vector<ImportCandidate>& batch);

  // Checks duplicates of a prepared batch and (unless a dry run) writes it.
  // A non-OK status is a failure of the database, not of a row: the batch is
  // then not written.
  absl::Status WriteBatch(std::vector<ImportCandidate>& batch, ImportTally& tally);

 private:
  struct Plan;
  Plan Check(MySqlConnection& connection, std::vector<ImportCandidate>& batch);
  void InsertNew(MySqlConnection& connection, Plan& plan);
  void UpdateMatches(Plan& plan, ImportTally& tally);
  // Creates the customer's primary contact, or updates it with the row's
  // non-empty contact fields.
  absl::Status UpsertPrimaryContact(int64_t customer_id, const v1::Contact& patch);

  Database& db_;
  CustomerRepository& customers_;
  ContactRepository& contacts_;
  const CallContext& call_;
  const v1::ImportOptions options_;
  const CreateDefaults defaults_;
  std::optional<ReferenceData> reference_;
  // Identity keys (tax ID, name in city) of rows seen in this import -> row
  // number: a later row with the same key repeats an earlier one. Kept for
  // the whole import in a dry run (nothing is written, so the database cannot
  // tell), else for the batch only.
  absl::flat_hash_map<uint64_t, int64_t> seen_keys_;
};

}  // namespace crm::customer
