// DuplicateKeyBackfill: batches of keys_version 0 rows, each row on its own
// statement so one collision does not hold the others back.
#include "services/customer/duplicate_key_backfill.h"

#include <cppconn/exception.h>
#include <cppconn/prepared_statement.h>
#include <cppconn/resultset.h>

#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "common/base/deadline.h"
#include "common/base/logging.h"
#include "common/db/database.h"
#include "services/customer/duplicate_keys.h"

namespace crm::customer {
namespace {

constexpr int kBatchRows = 500;
constexpr int kDuplicateKeyError = 1062;  // ER_DUP_ENTRY

struct Row {
  int64_t id = 0;
  std::string name, phone;
};

}  // namespace

void DuplicateKeyBackfill::Start() {
  thread_.Start(
      interval_,
      [this] {
        if (done_) return;
        absl::StatusOr<int64_t> filled = CatchUp();
        if (!filled.ok()) {
          log::Warn("cannot compute duplicate keys", {{"error", filled.status().message()}});
          return;
        }
        if (*filled > 0)
          log::Info("duplicate keys computed", {{"customers", absl::StrCat(*filled)}});
        done_ = true;
      },
      /*first_at_once=*/true);
}

absl::StatusOr<int64_t> DuplicateKeyBackfill::CatchUp() {
  int64_t total = 0;
  for (bool more = true; more;) {
    absl::StatusOr<int64_t> filled = RunBatch(&more);
    if (!filled.ok()) return filled.status();
    total += *filled;
  }
  return total;
}

absl::StatusOr<int64_t> DuplicateKeyBackfill::RunBatch(bool* more) {
  const Deadline deadline = std::chrono::steady_clock::now() + std::chrono::minutes(1);
  return db_.Run("customer.duplicate_keys", deadline,
                 [&](MySqlConnection& c) -> absl::StatusOr<int64_t> {
                   sql::PreparedStatement& select = c.Prepare(
                       "SELECT id, name, phone FROM customers WHERE keys_version = 0"
                       " ORDER BY id LIMIT ?");
                   select.setInt(1, kBatchRows);
                   std::vector<Row> rows;
                   std::unique_ptr<sql::ResultSet> rs(select.executeQuery());
                   while (rs->next())
                     rows.push_back({rs->getInt64(1), rs->getString(2), rs->getString(3)});
                   *more = static_cast<int>(rows.size()) == kBatchRows;
                   for (const Row& row : rows) {
                     // keys_version = 0 again: an edit that got there first
                     // wrote the keys itself.
                     sql::PreparedStatement& update = c.Prepare(
                         "UPDATE customers SET name_key = ?, phone_key = ?, keys_version = 1"
                         " WHERE id = ? AND keys_version = 0");
                     update.setString(1, NameKey(row.name));
                     update.setString(2, PhoneKey(row.phone));
                     update.setInt64(3, row.id);
                     try {
                       update.executeUpdate();
                     } catch (const sql::SQLException& e) {
                       if (e.getErrorCode() != kDuplicateKeyError) throw;
                       // Another live customer in its city has the same
                       // normalised name: both stay, this one keyed by its own.
                       log::Warn("customer name is a variant of another's in the same city",
                                 {{"customer_id", absl::StrCat(row.id)}});
                       sql::PreparedStatement& keep = c.Prepare(
                           "UPDATE customers SET phone_key = ?, keys_version = 2"
                           " WHERE id = ? AND keys_version = 0");
                       keep.setString(1, PhoneKey(row.phone));
                       keep.setInt64(2, row.id);
                       keep.executeUpdate();
                     }
                   }
                   return static_cast<int64_t>(rows.size());
                 });
}

}  // namespace crm::customer
