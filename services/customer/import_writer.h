// Bulk import's writes (R9): a batch as ImportChecks planned it. New
// customers of a batch go in with one transaction: codes reserved per prefix
// at once, multi-row inserts, change rows appended together; matches in
// upsert mode are updated one by one through the repositories (each row its
// own transaction, written only when it changes something).
#pragma once

#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <set>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "common/rpc/call_context.h"
#include "crm/customer/v1/bulk.pb.h"
#include "services/customer/customer_validation.h"
#include "services/customer/import_checks.h"

namespace crm {
class Database;
class MySqlConnection;
}  // namespace crm

namespace crm::customer {

class ContactRepository;
class CustomerRepository;

struct ImportTally {
  int64_t created = 0;
  int64_t updated = 0;
  int64_t failed = 0;
  std::vector<v1::ImportRowError> errors;  // of this batch, in row order
};

class ImportWriter {
 public:
  ImportWriter(Database& db, CustomerRepository& customers, ContactRepository& contacts,
               const CallContext& call, const v1::ImportOptions& options, CreateDefaults defaults);

  // See ImportChecks::Prepare.
  absl::Status Prepare(std::vector<ImportCandidate>& batch) { return checks_.Prepare(batch); }

  // Checks duplicates of a prepared batch and (unless a dry run) writes it.
  // A non-OK status is a failure of the database, not of a row: the batch is
  // then not written. Batches of one import may be written side by side
  // (not in a dry run, whose duplicate checks need the earlier batches).
  // `number` counts batches from 1 in file order: a batch inserts its
  // customers only after the one before it did, so when two rows of
  // different batches collide, the earlier row wins.
  absl::Status WriteBatch(int64_t number, std::vector<ImportCandidate>& batch, ImportTally& tally);

 private:
  void AssignCodes(MySqlConnection& connection, ImportPlan& plan);
  void InsertNew(MySqlConnection& connection, int64_t number, ImportPlan& plan);
  // The turn of batches at inserting (see WriteBatch).
  void AwaitInsertTurn(int64_t number);
  void PassInsertTurn(int64_t number);
  void UpdateMatches(ImportPlan& plan, ImportTally& tally);
  // Creates the customer's primary contact, or updates it with the row's
  // non-empty contact fields.
  absl::Status UpsertPrimaryContact(int64_t customer_id, const v1::Contact& patch);

  Database& db_;
  CustomerRepository& customers_;
  ContactRepository& contacts_;
  const CallContext& call_;
  const v1::ImportOptions options_;
  ImportChecks checks_;
  std::mutex turn_mu_;
  std::condition_variable turn_cv_;
  std::set<int64_t> passed_;    // batches done inserting, beyond...
  int64_t passed_through_ = 0;  // ...every batch up to this one
  // In a dry run, the identity keys (tax ID, name in city) of every row so
  // far -> row number: nothing is written, so the database cannot tell that
  // a later row repeats an earlier one. (Otherwise each batch keeps its own.)
  absl::flat_hash_map<uint64_t, int64_t> seen_keys_;
};

}  // namespace crm::customer
