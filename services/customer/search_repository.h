// Customer search over the index of search_indexer.h: exact matches, then
// prefix matches, then other substring matches ("tiers"), each tier in id
// order, under the caller's visibility (the active view of lists).
//
// Each tier walks the posting list of its rarest required gram in id order,
// drops candidates that lack the next rarest grams (index probes), and checks
// the rest against the stored document (a LIKE on one row), so a page costs
// about page_size matches' worth of index reads when matches are common, and
// at most that gram's posting list when they are rare. Queries too short to
// fill a gram read a short range of grams, or, when even that is large (a
// single common character), scan documents in id order, which find matches
// quickly precisely because they are common. A caller who sees only their
// own customers is served from the owner's copy of the documents: probed
// during a walk, or scanned when they own fewer customers than the walk is
// long.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "common/rpc/call_context.h"
#include "crm/customer/v1/search.pb.h"

namespace crm {
class Database;
}

namespace crm::customer {

struct SearchQuery {
  std::string text;  // normalised (NormalizeQuery), not empty
  bool exact_only = false;
  int page_size = 20;
  // Where the page starts: after `after_id` in tier `tier` (1-3).
  int tier = 1;
  int64_t after_id = 0;
};

struct SearchPage {
  std::vector<v1::SearchResult> results;
  bool has_more = false;
  int next_tier = 0;
  int64_t next_after_id = 0;
  int64_t total_size = 0;
  bool total_size_exact = true;
};

// Where the planner switches strategies (tests lower them to exercise every
// plan on a few rows).
struct SearchLimits {
  // Matches are counted exactly when the substring tier's candidates number
  // at most this many (the count is then one short walk); otherwise
  // total_size is an upper bound, so a page never costs more than finding
  // its rows and a count.
  int64_t exact_count = 1000;
  // A prefix range of grams is read whole (and sorted) up to this many
  // postings; beyond, documents are scanned instead: so many postings mean
  // the query is common, and a scan in id order fills a page after a few
  // thousand documents.
  int64_t range = 5000;
  // For a caller who sees only their own customers, a walk longer than this
  // may be slower than scanning their documents: then the two counts decide.
  int64_t own_walk = 2000;
  // A walk longer than this also checks each candidate for up to
  // `max_probes` more of the query's grams (the next rarest), each an index
  // probe: a phone number's 4-digit grams are each held by thousands of
  // customers, but few hold two or three of them, and a probe costs far
  // less than looking up a candidate's customer row and document.
  int64_t probe_from = 64;
  size_t max_probes = 2;
};

class SearchRepository {
 public:
  explicit SearchRepository(Database& db, SearchLimits limits = {}) : db_(db), limits_(limits) {}

  absl::StatusOr<SearchPage> Search(const CallContext& call, const SearchQuery& query);

 private:
  Database& db_;
  const SearchLimits limits_;
};

}  // namespace crm::customer
