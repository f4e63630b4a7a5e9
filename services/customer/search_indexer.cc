// SearchIndexer.
#include "services/customer/search_indexer.h"

#include <cppconn/prepared_statement.h>
#include <cppconn/resultset.h>

#include <algorithm>
#include <map>
#include <optional>
#include <set>

#include "absl/strings/str_cat.h"
#include "common/base/logging.h"
#include "common/base/status_util.h"
#include "common/db/database.h"
#include "common/db/multi_row.h"
#include "common/db/sql_time.h"
#include "common/db/sql_where.h"
#include "common/feed/change_log.h"
#include "crm/customer/v1/contact.pb.h"
#include "services/customer/bulk_loads.h"
#include "services/customer/search_text.h"

namespace crm::customer {
namespace {

constexpr char kCursor[] = "search-index";
// How far the owners' copies (search_owner_docs) are known to follow the
// change log. Releases before the copies moved only kCursor; where this one
// lags behind it (such a release ran during a rollout or after a rollback),
// the next batches read the changes again from here and mend the copies.
constexpr char kCopyCursor[] = "search-owner-docs";
constexpr int kChangesPerBatch = 2000;
constexpr size_t kIdsPerQuery = 1024;

// Runs `query` (with an "IN (<ids>)" placeholder list at the end) over `ids`
// in chunks, calling `row` for each result row.
template <typename Row>
void ForIds(MySqlConnection& c, const std::string& head, const std::string& tail,
            const std::vector<int64_t>& ids, Row row) {
  for (size_t done = 0; done < ids.size(); done += kIdsPerQuery) {
    const size_t count = std::min(kIdsPerQuery, ids.size() - done);
    sql::PreparedStatement& stmt =
        c.Prepare(absl::StrCat(head, " IN (", InPlaceholders(count), ")", tail));
    for (size_t i = 0; i < PaddedInSize(count); ++i) {
      stmt.setInt64(static_cast<int>(i + 1), ids[done + std::min(i, count - 1)]);
    }
    std::unique_ptr<sql::ResultSet> rs(stmt.executeQuery());
    while (rs->next()) row(*rs);
  }
}

// The customers whose documents the changes may have altered.
std::vector<int64_t> TouchedCustomers(sql::ResultSet& changes, int64_t* last_sequence, int* count) {
  std::set<int64_t> ids;
  while (changes.next()) {
    ++*count;
    *last_sequence = changes.getInt64(1);
    const std::string type = changes.getString(2);
    if (type == "crm.customer.v1.Customer") {
      ids.insert(changes.getInt64(3));
    } else if (type == "crm.customer.v1.Contact") {
      v1::Contact contact;
      if (contact.ParseFromString(changes.getString(4))) ids.insert(contact.customer_id());
    }
  }
  return std::vector<int64_t>(ids.begin(), ids.end());
}

// A customer's document and owner, as indexed or as they should be.
struct Indexed {
  std::string doc;
  int64_t owner_id = 0;
};

// What the customers' documents should be now; absent for customers gone or
// in the recycle bin.
std::map<int64_t, Indexed> CurrentDocuments(MySqlConnection& c, const std::vector<int64_t>& ids) {
  struct Raw {
    std::string name, keywords, phone;
    std::vector<std::string> contact_names, contact_phones;
    int64_t owner_id = 0;
  };
  std::map<int64_t, Raw> raw;
  ForIds(c,
         "SELECT id, name, keywords, phone, owner_id FROM customers"
         " WHERE deleted_at IS NULL AND id",
         "", ids, [&](sql::ResultSet& rs) {
           Raw& r = raw[rs.getInt64(1)];
           r.name = rs.getString(2);
           r.keywords = rs.getString(3);
           r.phone = rs.getString(4);
           r.owner_id = rs.getInt64(5);
         });
  ForIds(c,
         "SELECT customer_id, name, mobile_phone, office_phone FROM contacts"
         " WHERE deleted_at IS NULL AND customer_id",
         " ORDER BY customer_id, is_primary DESC, id", ids, [&](sql::ResultSet& rs) {
           auto it = raw.find(rs.getInt64(1));
           if (it == raw.end()) return;
           it->second.contact_names.push_back(rs.getString(2));
           for (int column : {3, 4}) {
             std::string phone = rs.getString(column);
             if (!phone.empty()) it->second.contact_phones.push_back(std::move(phone));
           }
         });
  std::map<int64_t, Indexed> docs;
  for (const auto& [id, r] : raw) {
    docs[id] = {BuildDocument(NormalizeFields(r.name, r.keywords, r.phone, r.contact_names,
                                              r.contact_phones)),
                r.owner_id};
  }
  return docs;
}

// What the index holds for a customer: its document, and the owner's copy.
struct IndexState {
  std::optional<std::string> doc;
  std::optional<Indexed> copy;
};

std::map<int64_t, IndexState> IndexedDocuments(MySqlConnection& c,
                                               const std::vector<int64_t>& ids) {
  std::map<int64_t, IndexState> states;
  ForIds(c, "SELECT customer_id, doc FROM search_docs WHERE customer_id", "", ids,
         [&](sql::ResultSet& rs) { states[rs.getInt64(1)].doc = rs.getString(2); });
  ForIds(c, "SELECT customer_id, owner_id, doc FROM search_owner_docs WHERE customer_id", "", ids,
         [&](sql::ResultSet& rs) {
           states[rs.getInt64(1)].copy = Indexed{rs.getString(3), rs.getInt64(2)};
         });
  return states;
}

struct Posting {
  std::string gram;
  int64_t customer_id;
};

// What to write for the customers whose document or owner changed.
struct IndexDelta {
  std::vector<Posting> added, removed;
  std::map<std::string, int> counts;  // gram -> change in the number of customers
  std::vector<std::pair<int64_t, const Indexed*>> docs;    // new or changed documents
  std::vector<std::pair<int64_t, const Indexed*>> copies;  // owners' copies to (re)write
  std::vector<int64_t> dropped;                            // documents to delete
  std::vector<int64_t> dropped_copies;                     // owners' copies to delete
};

// `current` must outlive the delta.
IndexDelta Diff(const std::vector<int64_t>& ids, const std::map<int64_t, Indexed>& current,
                const std::map<int64_t, IndexState>& indexed) {
  IndexDelta delta;
  const IndexState none;
  for (int64_t id : ids) {
    auto now = current.find(id);
    auto before = indexed.find(id);
    const Indexed* new_entry = now == current.end() ? nullptr : &now->second;
    const IndexState& state = before == indexed.end() ? none : before->second;

    // The owner's copy: rewritten whenever it differs, whatever the grams.
    if (new_entry) {
      if (!state.copy || state.copy->owner_id != new_entry->owner_id ||
          state.copy->doc != new_entry->doc) {
        delta.copies.emplace_back(id, new_entry);
      }
    } else if (state.copy) {
      delta.dropped_copies.push_back(id);
    }

    const std::string* new_doc = new_entry ? &new_entry->doc : nullptr;
    const std::string* old_doc = state.doc ? &*state.doc : nullptr;
    if (!new_doc && !old_doc) continue;
    if (new_doc && old_doc && *new_doc == *old_doc) continue;
    const std::vector<std::string> old_grams =
        old_doc ? DocumentGrams(*old_doc) : std::vector<std::string>();
    const std::vector<std::string> new_grams =
        new_doc ? DocumentGrams(*new_doc) : std::vector<std::string>();
    std::vector<std::string> gone, came;
    std::set_difference(old_grams.begin(), old_grams.end(), new_grams.begin(), new_grams.end(),
                        std::back_inserter(gone));
    std::set_difference(new_grams.begin(), new_grams.end(), old_grams.begin(), old_grams.end(),
                        std::back_inserter(came));
    for (std::string& g : gone) {
      --delta.counts[g];
      delta.removed.push_back({std::move(g), id});
    }
    for (std::string& g : came) {
      ++delta.counts[g];
      delta.added.push_back({std::move(g), id});
    }
    if (new_entry) {
      delta.docs.emplace_back(id, new_entry);
    } else {
      delta.dropped.push_back(id);
    }
  }
  return delta;
}

void Write(MySqlConnection& c, const IndexDelta& delta) {
  sql::PreparedStatement& remove =
      c.Prepare("DELETE FROM search_postings WHERE gram = ? AND customer_id = ?");
  for (const Posting& p : delta.removed) {
    remove.setString(1, p.gram);
    remove.setInt64(2, p.customer_id);
    remove.executeUpdate();
  }
  InsertRows(c, "INSERT IGNORE INTO search_postings (gram, customer_id) VALUES ", "(?, ?)", "",
             delta.added.size(), [&](sql::PreparedStatement& s, int i, size_t row, bool) {
               s.setString(i, delta.added[row].gram);
               s.setInt64(i + 1, delta.added[row].customer_id);
               return i + 2;
             });
  std::vector<std::pair<const std::string*, int>> counts;
  for (const auto& [gram, change] : delta.counts) {
    if (change != 0) counts.emplace_back(&gram, change);
  }
  InsertRows(c, "INSERT INTO search_gram_counts (gram, customers) VALUES ", "(?, ?)",
             " ON DUPLICATE KEY UPDATE customers = customers + VALUES(customers)", counts.size(),
             [&](sql::PreparedStatement& s, int i, size_t row, bool padding) {
               s.setString(i, *counts[row].first);
               s.setInt(i + 1, padding ? 0 : counts[row].second);
               return i + 2;
             });
  InsertRows(c, "INSERT INTO search_docs (customer_id, doc) VALUES ", "(?, ?)",
             " ON DUPLICATE KEY UPDATE doc = VALUES(doc)", delta.docs.size(),
             [&](sql::PreparedStatement& s, int i, size_t row, bool) {
               s.setInt64(i, delta.docs[row].first);
               s.setString(i + 1, delta.docs[row].second->doc);
               return i + 2;
             });
  // A customer's row is found by its unique customer_id, also when the owner
  // (the first key column) changes.
  InsertRows(c, "INSERT INTO search_owner_docs (owner_id, customer_id, doc) VALUES ", "(?, ?, ?)",
             " ON DUPLICATE KEY UPDATE owner_id = VALUES(owner_id), doc = VALUES(doc)",
             delta.copies.size(), [&](sql::PreparedStatement& s, int i, size_t row, bool) {
               s.setInt64(i, delta.copies[row].second->owner_id);
               s.setInt64(i + 1, delta.copies[row].first);
               s.setString(i + 2, delta.copies[row].second->doc);
               return i + 3;
             });
  for (const auto& [table, ids] : {std::make_pair("search_docs", &delta.dropped),
                                   std::make_pair("search_owner_docs", &delta.dropped_copies)}) {
    sql::PreparedStatement& drop =
        c.Prepare(absl::StrCat("DELETE FROM ", table, " WHERE customer_id = ?"));
    for (int64_t id : *ids) {
      drop.setInt64(1, id);
      drop.executeUpdate();
    }
  }
}

}  // namespace

SearchIndexer::SearchIndexer(Database& db, const Clock& clock, std::chrono::milliseconds interval,
                             const BulkLoads* loads)
    : db_(db), clock_(clock), interval_(interval), loads_(loads) {}

SearchIndexer::~SearchIndexer() { thread_.Stop(); }

void SearchIndexer::Start() {
  thread_.Start(interval_, [this] {
    if (HeldBackByAnImport()) return;
    absl::StatusOr<int64_t> indexed = CatchUp();
    if (!indexed.ok()) {
      progress_.Failed();
      log::Warn("cannot update the search index", {{"error", indexed.status().message()}});
    }
  });
}

bool SearchIndexer::HeldBackByAnImport() {
  const auto now = std::chrono::steady_clock::now();
  if (loads_ == nullptr || !loads_->AnyLoading()) {
    held_since_.reset();
    return false;
  }
  if (!held_since_) held_since_ = now;
  if (now - *held_since_ < BulkLoads::kLongestHold) return true;
  held_since_ = now;  // one batch now, then hold back again
  return false;
}

absl::StatusOr<int64_t> SearchIndexer::CatchUp() {
  int64_t total = 0;
  for (bool more = true; more;) {
    absl::StatusOr<int64_t> indexed = RunBatch(&more);
    if (!indexed.ok()) return indexed.status();
    total += *indexed;
    if (more) {
      if (HeldBackByAnImport()) break;
      if (thread_.stopping()) break;
    }
  }
  return total;
}

absl::StatusOr<int64_t> SearchIndexer::RunBatch(bool* more) {
  const Deadline deadline = std::chrono::steady_clock::now() + std::chrono::minutes(5);
  int64_t reached = 0;
  // Read before the transaction, whose read view then holds every change up
  // to it (see CommittedSequence); inside, the shared lock would stall writers.
  CRM_ASSIGN_OR_RETURN(
      const int64_t committed,
      db_.Run("search.committed", deadline,
              [](MySqlConnection& c) -> absl::StatusOr<int64_t> { return CommittedSequence(c); }));
  absl::StatusOr<int64_t> indexed = db_.RunInTransaction(
      "search.index", deadline, [&](MySqlConnection& c) -> absl::StatusOr<int64_t> {
        *more = false;
        // kCursor first: releases that know only it take turns with this one.
        int64_t index_after = 0, copy_after = 0;
        for (const auto& [name, position] :
             {std::make_pair(kCursor, &index_after), std::make_pair(kCopyCursor, &copy_after)}) {
          sql::PreparedStatement& create = c.Prepare(
              "INSERT IGNORE INTO feed_cursors (name, last_sequence, updated_at)"
              " VALUES (?, 0, ?)");
          create.setString(1, name);
          create.setDateTime(2, FormatSqlDateTime(clock_.Now()));
          create.executeUpdate();
          sql::PreparedStatement& lock =
              c.Prepare("SELECT last_sequence FROM feed_cursors WHERE name = ? FOR UPDATE");
          lock.setString(1, name);
          std::unique_ptr<sql::ResultSet> cursor(lock.executeQuery());
          cursor->next();
          *position = cursor->getInt64(1);
        }
        // Changes the index already holds are read again only to mend the
        // copies: their documents compare equal, so no gram is written twice.
        const int64_t after = std::min(index_after, copy_after);
        reached = index_after;

        // Only contact states are read: their customer id is inside.
        sql::PreparedStatement& read = c.Prepare(
            "SELECT sequence, entity_type, entity_id,"
            " IF(entity_type = 'crm.customer.v1.Contact', state, '') FROM change_log"
            " WHERE sequence > ? AND sequence <= ? ORDER BY sequence LIMIT ?");
        read.setInt64(1, after);
        read.setInt64(2, committed);
        read.setInt(3, kChangesPerBatch);
        std::unique_ptr<sql::ResultSet> changes(read.executeQuery());
        int64_t last = after;
        int count = 0;
        const std::vector<int64_t> ids = TouchedCustomers(*changes, &last, &count);
        if (count == 0) return int64_t{0};
        *more = count == kChangesPerBatch;
        reached = std::max(index_after, last);

        const std::map<int64_t, Indexed> current = CurrentDocuments(c, ids);
        const IndexDelta delta = Diff(ids, current, IndexedDocuments(c, ids));
        Write(c, delta);
        for (const char* name : {kCursor, kCopyCursor}) {
          sql::PreparedStatement& move = c.Prepare(
              "UPDATE feed_cursors SET last_sequence = GREATEST(last_sequence, ?), updated_at = ?"
              " WHERE name = ?");
          move.setInt64(1, last);
          move.setDateTime(2, FormatSqlDateTime(clock_.Now()));
          move.setString(3, name);
          move.executeUpdate();
        }
        return static_cast<int64_t>(delta.docs.size() + delta.dropped.size());
      });
  if (indexed.ok()) {
    progress_.At(reached);
    if (!*more) progress_.CaughtUp();
  }
  return indexed;
}

}  // namespace crm::customer
