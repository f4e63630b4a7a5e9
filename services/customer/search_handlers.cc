// SearchHandlers.
#include "services/customer/search_handlers.h"

#include <tuple>

#include "absl/strings/str_cat.h"
#include "common/base/status_util.h"
#include "common/rpc/paging.h"
#include "common/text/text_checks.h"
#include "services/customer/customer_handlers.h"
#include "services/customer/search_text.h"

namespace crm::customer {
namespace {

constexpr PageLimits kSearchPages{/*default_size=*/20, /*max_size=*/100};
constexpr size_t kMaxQueryChars = 100;

}  // namespace

absl::Status SearchHandlers::SearchCustomers(const CallContext& call,
                                             const v1::SearchCustomersRequest& request,
                                             v1::SearchCustomersResponse* response) {
  FieldViolations v;
  CheckText(v, "query", TrimText(request.query()), kMaxQueryChars, Presence::kRequired);
  if (!v1::SearchCustomersRequest::Mode_IsValid(request.mode())) v.Add("mode", "is not a mode");
  SearchQuery query;
  query.text = NormalizeQuery(request.query());
  query.exact_only = request.mode() == v1::SearchCustomersRequest::MODE_EXACT;
  CRM_ASSIGN_OR_RETURN(
      PageRequest page,
      PageRequest::Parse(request, {"search", query.text, query.exact_only ? "exact" : "fuzzy"},
                         kSearchPages, &v));
  if (query.text.empty()) return InvalidField("query", "has nothing to search for");
  query.page_size = page.size();
  CRM_ASSIGN_OR_RETURN(auto after, (page.After<int, int64_t>()));  // tier, id
  if (after) {
    std::tie(query.tier, query.after_id) = *after;
    if (query.tier < 1 || query.tier > 3) return InvalidField("page_token", "is malformed");
  }
  CRM_ASSIGN_OR_RETURN(SearchPage found, repository_.Search(call, query));
  const GradeThresholds thresholds = grades_.Current();
  for (v1::SearchResult& result : found.results) {
    PresentCustomer(thresholds, *result.mutable_customer());
    *response->add_results() = std::move(result);
  }
  response->set_total_size(found.total_size);
  response->set_total_size_exact(found.total_size_exact);
  if (found.has_more) {
    response->set_next_page_token(
        page.NextToken(true, {absl::StrCat(found.next_tier), absl::StrCat(found.next_after_id)}));
  }
  return absl::OkStatus();
}

}  // namespace crm::customer
