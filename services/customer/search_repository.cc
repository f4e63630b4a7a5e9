// SearchRepository: planning and running the tier queries.
#include "services/customer/search_repository.h"

#include <cppconn/prepared_statement.h>
#include <cppconn/resultset.h>

#include <algorithm>
#include <map>
#include <optional>

#include "absl/strings/str_cat.h"
#include "common/db/database.h"
#include "common/db/sql_where.h"
#include "common/db/visibility.h"
#include "services/customer/customer_access.h"
#include "services/customer/customer_row.h"
#include "services/customer/search_text.h"

namespace crm::customer {
namespace {

// Where a tier's candidates come from, and about how many there are.
struct Source {
  enum Kind { kNone, kGram, kRange, kDocuments, kOwner } kind = kNone;
  std::string low, high;            // the gram, or the range [low, high)
  std::vector<std::string> probes;  // kGram: more grams every match holds
  int64_t candidates = 0;
};

struct Tier {
  int number;
  v1::SearchResult::Match match;
  Source source;
  std::string like, not_like;  // patterns on the document ("" for none)
};

// The known posting counts of grams (absent grams have none).
std::map<std::string, int64_t> GramCounts(MySqlConnection& c,
                                          const std::vector<std::string>& grams) {
  std::map<std::string, int64_t> counts;
  for (const std::string& g : grams) counts[g] = 0;
  if (grams.empty()) return counts;
  sql::PreparedStatement& stmt =
      c.Prepare(absl::StrCat("SELECT gram, customers FROM search_gram_counts WHERE gram IN (",
                             InPlaceholders(grams.size()), ")"));
  for (size_t i = 0; i < PaddedInSize(grams.size()); ++i) {
    stmt.setString(static_cast<int>(i + 1), grams[std::min(i, grams.size() - 1)]);
  }
  std::unique_ptr<sql::ResultSet> rs(stmt.executeQuery());
  while (rs->next()) counts[rs->getString(1)] = rs->getInt64(2);
  return counts;
}

int64_t RangeCount(MySqlConnection& c, const std::string& low, const std::string& high) {
  sql::PreparedStatement& stmt = c.Prepare(
      "SELECT COALESCE(SUM(customers), 0) FROM search_gram_counts WHERE gram >= ? AND gram < ?");
  stmt.setString(1, low);
  stmt.setString(2, high);
  std::unique_ptr<sql::ResultSet> rs(stmt.executeQuery());
  rs->next();
  return rs->getInt64(1);
}

// About how many customers the caller owns or has been shared (deleted ones
// included: a bound, counted from the indexes alone), counting no further
// than `limit`.
int64_t OwnCustomers(MySqlConnection& c, const Caller& caller, int64_t limit) {
  sql::PreparedStatement& stmt = c.Prepare(
      "SELECT (SELECT COUNT(*) FROM (SELECT 1 FROM customers FORCE INDEX (customers_owner)"
      " WHERE owner_id = ? LIMIT ?) o) +"
      " (SELECT COUNT(*) FROM customer_shares WHERE employee_id = ?)");
  stmt.setInt64(1, caller.employee_id);
  stmt.setInt64(2, limit);
  stmt.setInt64(3, caller.employee_id);
  std::unique_ptr<sql::ResultSet> rs(stmt.executeQuery());
  rs->next();
  return rs->getInt64(1);
}

// The cheapest source among grams every match holds and, failing those, a
// prefix every match's gram starts with.
// `implies_all`: a gram whose holders hold every other required gram (as a
// field-start key holding the whole query does): probes after it would only
// cost.
Source Cheapest(MySqlConnection& c, const SearchLimits& limits, const Caller& caller,
                const std::vector<std::string>& required, const std::string& required_prefix,
                bool own_scope, const std::string& implies_all = "") {
  std::vector<std::pair<int64_t, std::string>> by_count;
  for (const auto& [gram, count] : GramCounts(c, required)) by_count.emplace_back(count, gram);
  std::sort(by_count.begin(), by_count.end());
  Source best;
  best.candidates = -1;
  if (!by_count.empty()) {
    best = Source{Source::kGram, by_count[0].second, "", {}, by_count[0].first};
    const bool probe = best.candidates > limits.probe_from && best.low != implies_all;
    for (size_t i = 1; probe && i < by_count.size() && best.probes.size() < limits.max_probes;
         ++i) {
      best.probes.push_back(by_count[i].second);
    }
  }
  if (best.candidates == 0) return Source{};  // a required gram nobody holds: no match
  if (best.candidates < 0) {
    if (required_prefix.empty()) return Source{};
    const std::string high = required_prefix + "\xFF";  // no UTF-8 byte is 0xFF
    const int64_t count = RangeCount(c, required_prefix, high);
    if (count == 0) return Source{};
    best = count <= limits.range ? Source{Source::kRange, required_prefix, high, {}, count}
                                 : Source{Source::kDocuments, "", "", {}, count};
  }
  if (own_scope && best.candidates > limits.own_walk) {
    const int64_t own = OwnCustomers(c, caller, best.candidates);
    if (own < best.candidates) return Source{Source::kOwner, "", "", {}, own};
  }
  return best;
}

std::string Contains(const std::string& q) { return absl::StrCat("%", EscapeLike(q), "%"); }
std::string StartsField(const std::string& q) {
  return absl::StrCat("%", std::string(1, kFieldSeparator), EscapeLike(q), "%");
}
std::string IsField(const std::string& q) {
  const std::string sep(1, kFieldSeparator);
  return absl::StrCat("%", sep, EscapeLike(q), sep, "%");
}

std::vector<Tier> PlanTiers(MySqlConnection& c, const SearchLimits& limits, const Caller& caller,
                            const SearchQuery& query, bool own_scope) {
  const QueryGrams grams = GramsOfQuery(query.text);
  std::vector<Tier> tiers;
  tiers.push_back({1, v1::SearchResult::MATCH_EXACT,
                   Cheapest(c, limits, caller, {grams.exact}, "", own_scope), IsField(query.text),
                   ""});
  if (query.exact_only) return tiers;
  std::vector<std::string> prefix_required = grams.required;
  prefix_required.push_back(grams.start);
  // A start key holding the whole query (its mark + the query) implies the rest.
  const bool start_is_whole_query = grams.start.size() == query.text.size() + 1;
  tiers.push_back({2, v1::SearchResult::MATCH_PREFIX,
                   Cheapest(c, limits, caller, prefix_required, "", own_scope,
                            start_is_whole_query ? grams.start : ""),
                   StartsField(query.text), IsField(query.text)});
  tiers.push_back({3, v1::SearchResult::MATCH_SUBSTRING,
                   Cheapest(c, limits, caller, grams.required, grams.required_prefix, own_scope),
                   Contains(query.text), StartsField(query.text)});
  return tiers;
}

// One SELECT of a tier's matching ids after `after_id`, in id order.
struct TierSql {
  std::string sql;
  SqlWhere where;  // every value of the statement, in order
};

// Who is asking: their caller, whether they see only their own customers,
// and whether anyone shared customers with them.
struct Asker {
  const Caller& caller;
  bool own_scope;
  bool has_shares;
};

// The tier's text check on documents `alias`.
void MatchText(SqlWhere& where, const Tier& tier, const char* alias) {
  where.And(absl::StrCat(alias, ".doc LIKE ?"), {tier.like});
  if (!tier.not_like.empty()) where.And(absl::StrCat(alias, ".doc NOT LIKE ?"), {tier.not_like});
}

// "FROM search_postings p" and the probe joins; the grams' conditions in `where`.
std::string PostingsFrom(const Source& source, int64_t after_id, SqlWhere& where) {
  std::string from = "FROM search_postings p";
  if (source.kind == Source::kRange) {
    where.And("p.gram >= ?", {source.low}).And("p.gram < ?", {source.high});
  } else {
    where.And("p.gram = ?", {source.low});
  }
  for (size_t i = 0; i < source.probes.size(); ++i) {
    const std::string alias = absl::StrCat("p", i + 1);
    absl::StrAppend(&from, " JOIN search_postings ", alias, " ON ", alias,
                    ".customer_id = p.customer_id");
    where.And(absl::StrCat(alias, ".gram = ?"), {source.probes[i]});
  }
  where.And("p.customer_id > ?", {after_id});
  return from;
}

// The customers shared with the caller that match: they are few, so all are
// checked.
TierSql SharedWithCaller(const Asker& asker, const Tier& tier, int64_t after_id) {
  TierSql shared;
  shared.sql =
      "SELECT STRAIGHT_JOIN c.id FROM customer_shares s"
      " JOIN customers c ON c.id = s.customer_id JOIN search_docs d ON d.customer_id = c.id";
  shared.where.And("s.employee_id = ?", {asker.caller.employee_id}).And("c.id > ?", {after_id});
  MatchText(shared.where, tier, "d");
  shared.where.And("c.deleted_at IS NULL");
  shared.sql += shared.where.Sql() + " ORDER BY c.id";
  return shared;
}

std::vector<TierSql> BuildSql(const Asker& asker, const Tier& tier, int64_t after_id) {
  std::vector<TierSql> parts;
  const Source& source = tier.source;
  // Own scope, by the owner's copy of the documents (search_owner_docs):
  // a walk probes it (one lookup gives ownership and text), a scan reads the
  // owner's range in id order. The copy may lag the customers by a poll, so
  // the customer row decides, for the few candidates whose text matched.
  if (asker.own_scope && (source.kind == Source::kGram || source.kind == Source::kOwner)) {
    TierSql own;
    const bool walk = source.kind == Source::kGram;
    if (walk) {
      own.sql = absl::StrCat("SELECT STRAIGHT_JOIN p.customer_id ",
                             PostingsFrom(source, after_id, own.where),
                             " JOIN search_owner_docs o FORCE INDEX (PRIMARY)"
                             " ON o.customer_id = p.customer_id");
    } else {
      own.sql = "SELECT STRAIGHT_JOIN o.customer_id FROM search_owner_docs o";
      own.where.And("o.customer_id > ?", {after_id});
    }
    own.sql += " JOIN customers c ON c.id = o.customer_id";
    own.where.And("o.owner_id = ?", {asker.caller.employee_id});
    MatchText(own.where, tier, "o");
    own.where.And("c.deleted_at IS NULL").And("c.owner_id = ?", {asker.caller.employee_id});
    own.sql += own.where.Sql() + (walk ? " ORDER BY p.customer_id" : " ORDER BY o.customer_id");
    parts.push_back(std::move(own));
    if (asker.has_shares) parts.push_back(SharedWithCaller(asker, tier, after_id));
    return parts;
  }
  switch (source.kind) {
    case Source::kNone:
    case Source::kOwner:  // only for the own scope, above
      break;
    case Source::kGram:
    case Source::kRange: {
      TierSql part;
      // Probes, then customers, then documents: each step drops candidates
      // with a cheaper lookup than the next.
      part.sql =
          absl::StrCat("SELECT STRAIGHT_JOIN ", source.kind == Source::kRange ? "DISTINCT " : "",
                       "p.customer_id ", PostingsFrom(source, after_id, part.where),
                       " JOIN customers c ON c.id = p.customer_id"
                       " JOIN search_docs d ON d.customer_id = p.customer_id");
      MatchText(part.where, tier, "d");
      part.where.And("c.deleted_at IS NULL");
      RestrictToActiveView(part.where, asker.caller, asker.has_shares);
      part.sql += part.where.Sql() + " ORDER BY p.customer_id";
      parts.push_back(std::move(part));
      break;
    }
    case Source::kDocuments: {
      TierSql part;
      part.sql =
          "SELECT STRAIGHT_JOIN d.customer_id FROM search_docs d"
          " JOIN customers c ON c.id = d.customer_id";
      part.where.And("d.customer_id > ?", {after_id});
      MatchText(part.where, tier, "d");
      part.where.And("c.deleted_at IS NULL");
      RestrictToActiveView(part.where, asker.caller, asker.has_shares);
      part.sql += part.where.Sql() + " ORDER BY d.customer_id";
      parts.push_back(std::move(part));
      break;
    }
  }
  return parts;
}

// Up to `limit` ids of the tier after `after_id`, in id order.
std::vector<int64_t> TierIds(MySqlConnection& c, const Asker& asker, const Tier& tier,
                             int64_t after_id, int limit) {
  std::vector<int64_t> ids;
  for (TierSql& part : BuildSql(asker, tier, after_id)) {
    sql::PreparedStatement& stmt = c.Prepare(part.sql + " LIMIT ?");
    const int index = part.where.Bind(stmt);
    stmt.setInt(index, limit);
    std::unique_ptr<sql::ResultSet> rs(stmt.executeQuery());
    while (rs->next()) ids.push_back(rs->getInt64(1));
  }
  std::sort(ids.begin(), ids.end());
  ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
  if (static_cast<int>(ids.size()) > limit) ids.resize(limit);
  return ids;
}

// How many customers the tier matches (its source is small: see
// SearchLimits::exact_count).
int64_t TierCount(MySqlConnection& c, const Asker& asker, const Tier& tier) {
  int64_t total = 0;
  for (TierSql& part : BuildSql(asker, tier, 0)) {
    sql::PreparedStatement& stmt =
        c.Prepare(absl::StrCat("SELECT COUNT(*) FROM (", part.sql, ") t"));
    part.where.Bind(stmt);
    std::unique_ptr<sql::ResultSet> rs(stmt.executeQuery());
    rs->next();
    total += rs->getInt64(1);
  }
  return total;
}

// How many customers the caller sees at all: an upper bound on any search's
// matches that says nothing about customers out of their sight.
int64_t CountVisible(MySqlConnection& c, const Asker& asker) {
  SqlWhere where;
  where.And("c.deleted_at IS NULL");
  RestrictToActiveView(where, asker.caller, asker.has_shares);
  sql::PreparedStatement& stmt = c.Prepare("SELECT COUNT(*) FROM customers c" + where.Sql());
  where.Bind(stmt);
  std::unique_ptr<sql::ResultSet> rs(stmt.executeQuery());
  rs->next();
  return rs->getInt64(1);
}

std::map<int64_t, v1::Customer> LoadCustomers(MySqlConnection& c, const std::vector<int64_t>& ids) {
  std::map<int64_t, v1::Customer> customers;
  if (ids.empty()) return customers;
  sql::PreparedStatement& stmt =
      c.Prepare(absl::StrCat(kCustomerSelect, " WHERE c.id IN (", InPlaceholders(ids.size()), ")"));
  for (size_t i = 0; i < PaddedInSize(ids.size()); ++i) {
    stmt.setInt64(static_cast<int>(i + 1), ids[std::min(i, ids.size() - 1)]);
  }
  std::unique_ptr<sql::ResultSet> rs(stmt.executeQuery());
  std::vector<v1::Customer*> loaded;
  while (rs->next()) {
    v1::Customer customer = ReadCustomer(*rs);
    const int64_t id = customer.id();
    loaded.push_back(&(customers[id] = std::move(customer)));
  }
  FillShares(c, loaded);
  return customers;
}

}  // namespace

absl::StatusOr<SearchPage> SearchRepository::Search(const CallContext& call,
                                                    const SearchQuery& query) {
  return db_.Run("customer.search", call.deadline,
                 [&](MySqlConnection& c) -> absl::StatusOr<SearchPage> {
                   SearchPage page;
                   const VisibilityScope scope = CustomerReadScope(call.caller);
                   if (scope.kind == VisibilityScope::Kind::kNothing) return page;
                   const bool own = scope.kind == VisibilityScope::Kind::kOwn;
                   const std::vector<Tier> tiers = PlanTiers(c, limits_, call.caller, query, own);
                   const Asker asker{call.caller, own, CallerHasShares(c, call.caller)};

                   // Collect one more than a page, tier after tier.
                   std::vector<std::pair<int64_t, const Tier*>> hits;
                   const int wanted = query.page_size + 1;
                   for (const Tier& tier : tiers) {
                     if (tier.number < query.tier) continue;
                     const int64_t after = tier.number == query.tier ? query.after_id : 0;
                     const int room = wanted - static_cast<int>(hits.size());
                     if (room <= 0) break;
                     for (int64_t id : TierIds(c, asker, tier, after, room)) {
                       hits.emplace_back(id, &tier);
                     }
                   }
                   if (static_cast<int>(hits.size()) > query.page_size) {
                     hits.resize(query.page_size);
                     page.has_more = true;
                     page.next_tier = hits.back().second->number;
                     page.next_after_id = hits.back().first;
                   }
                   std::vector<int64_t> ids;
                   for (const auto& hit : hits) ids.push_back(hit.first);
                   std::map<int64_t, v1::Customer> customers = LoadCustomers(c, ids);
                   for (const auto& [id, tier] : hits) {
                     auto it = customers.find(id);
                     if (it == customers.end()) continue;  // gone since the tier query
                     v1::SearchResult& result = page.results.emplace_back();
                     *result.mutable_customer() = std::move(it->second);
                     result.set_match(tier->match);
                   }
                   // A first page that holds every match needs no counting.
                   if (query.tier == 1 && query.after_id == 0 && !page.has_more) {
                     page.total_size = static_cast<int64_t>(page.results.size());
                     return page;
                   }
                   // Every match of any tier is among the substring tier's
                   // candidates (the last tier's source), an upper bound. It
                   // counts customers of every owner, so a caller who sees
                   // only some is given the number they see instead: a
                   // bound that tells nothing about the others.
                   int64_t bound = tiers.back().source.candidates;
                   if (scope.kind != VisibilityScope::Kind::kAll && bound > limits_.exact_count) {
                     bound = CountVisible(c, asker);
                   }
                   if (bound > limits_.exact_count) {
                     page.total_size = bound;
                     page.total_size_exact = false;
                     return page;
                   }
                   // Every match of any tier holds the query as a substring,
                   // so one count of the last tier without its exclusions
                   // counts them all.
                   Tier any_match = tiers.back();
                   any_match.not_like.clear();
                   page.total_size = TierCount(c, asker, any_match);
                   return page;
                 });
}

}  // namespace crm::customer
