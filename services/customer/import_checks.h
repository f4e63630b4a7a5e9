// Bulk import's checks (R9): what each row of a batch becomes. Prepare
// normalises and validates the rows on their own (fields, references against
// a snapshot); Check matches them against live customers and earlier rows of
// the import, and plans the batch: customers to create, matches to update,
// rows that fail and why. Nothing here writes (import_writer.h does).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "common/rpc/call_context.h"
#include "crm/customer/v1/bulk.pb.h"
#include "services/customer/customer_validation.h"
#include "services/customer/reference_data.h"

namespace crm {
class Database;
class MySqlConnection;
}  // namespace crm

namespace crm::customer {

// One row as read: its 1-based number, the fields, and what could not be
// read (then the row fails without further checks); then what
// ImportChecks::Prepare makes of it.
struct ImportCandidate {
  int64_t row = 0;
  v1::ImportRow data;
  std::vector<v1::ImportRowError> read_errors;

  v1::Customer prepared;  // as it would be created (defaults, normalised)
  int64_t city_id = 0;
  std::string code, tax_id, credit_code, name_city;  // identity keys (see FindDuplicate)
  std::optional<v1::Contact> contact;                // its primary contact, if any
  std::vector<v1::ImportRowError> create_errors;     // why it cannot be created
};

// A live customer a row may match, and by what.
struct ImportMatch {
  int64_t id = 0;
  std::string code;
  std::string reason;   // "same code", "same tax ID", "same name in the same city"
  bool visible = true;  // whether the importer may see it (else errors only say it exists)

  // The code, where the importer may see it.
  std::string shown_code() const { return visible ? code : ""; }
  std::string described() const { return visible ? code : "one you cannot see"; }
};

// What a batch becomes.
struct ImportPlan {
  struct New {
    int64_t row;
    v1::Customer customer;  // prepared; gets its code on insert
    int64_t city_id;
    std::optional<v1::Contact> contact;
  };
  struct Update {
    int64_t row;
    ImportMatch match;
    v1::Customer patch;  // the row's fields (an implied update mask)
    std::optional<v1::Contact> contact;
  };
  std::vector<New> creates;
  std::vector<Update> updates;
  std::vector<v1::ImportRowError> errors;
  int64_t failed = 0;
};

// The error prefixes of import rows: "customer.tax_id" is reported as
// "tax_id" (the CSV column), contact fields as "primary_contact.<field>".
inline constexpr char kImportCustomerPrefix[] = "customer";
inline constexpr char kImportContactPrefix[] = "primary_contact";

// Every violation of `status` as errors of `row`.
void AddRowViolations(int64_t row, const absl::Status& status,
                      std::vector<v1::ImportRowError>& errors);

class ImportChecks {
 public:
  ImportChecks(Database& db, const CallContext& call, const v1::ImportOptions& options,
               CreateDefaults defaults);

  // The checks of each row that need no transaction (fields, references
  // against a snapshot taken at the first batch): CPU work that can overlap
  // the previous batch's write.
  absl::Status Prepare(std::vector<ImportCandidate>& batch);

  // What each prepared row becomes; `seen` holds the identity keys of
  // earlier rows (and gets this batch's). Throws sql::SQLException.
  ImportPlan Check(MySqlConnection& connection, const std::vector<ImportCandidate>& batch,
                   absl::flat_hash_map<uint64_t, int64_t>& seen) const;

  // Known after the first Prepare.
  const ReferenceData& reference() const { return *reference_; }
  // Whether a multi-row insert gets consecutive ids (InnoDB's "consecutive"
  // or "traditional" lock mode, step 1).
  bool consecutive_ids() const { return consecutive_ids_; }

 private:
  Database& db_;
  const CallContext& call_;
  const v1::ImportOptions options_;
  const CreateDefaults defaults_;
  std::optional<ReferenceData> reference_;
  bool consecutive_ids_ = false;
};

}  // namespace crm::customer
