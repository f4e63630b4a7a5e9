// Customer search over the index of search_indexer.h: exact matches, then
// prefix matches, then other substring matches ("tiers"), each tier in id
// order, under the caller's visibility (the active view of lists).
//
// Each tier walks the posting list of its rarest required gram in id order
// and checks candidates against the stored document (a LIKE on one row), so
// a page costs about page_size matches' worth of index reads when matches are
// common, and at most that gram's posting list when they are rare. Queries
// too short to fill a gram read a short range of grams, or, when even that is
// large (a single common character), scan documents in id order, which find
// matches quickly precisely because they are common.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "common/call_context.h"
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

class SearchRepository {
 public:
  explicit SearchRepository(Database& db) : db_(db) {}

  absl::StatusOr<SearchPage> Search(const CallContext& call, const SearchQuery& query);

 private:
  Database& db_;
};

}  // namespace crm::customer
