// SearchHandlers.
#include "services/customer/search_handlers.h"

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "common/base/status_util.h"
#include "common/rpc/page_token.h"
#include "common/text/text_checks.h"
#include "services/customer/customer_handlers.h"
#include "services/customer/search_text.h"

namespace crm::customer {
namespace {

constexpr int kDefaultPageSize = 20;
constexpr int kMaxPageSize = 100;
constexpr size_t kMaxQueryChars = 100;

}  // namespace

absl::Status SearchHandlers::SearchCustomers(const CallContext& call,
                                             const v1::SearchCustomersRequest& request,
                                             v1::SearchCustomersResponse* response) {
  FieldViolations v;
  CheckText(v, "query", TrimText(request.query()), kMaxQueryChars, Presence::kRequired);
  if (!v1::SearchCustomersRequest::Mode_IsValid(request.mode())) v.Add("mode", "is not a mode");
  if (request.page_size() < 0) v.Add("page_size", "must not be negative");
  CRM_RETURN_IF_ERROR(v.ToStatus());

  SearchQuery query;
  query.text = NormalizeQuery(request.query());
  if (query.text.empty()) return InvalidField("query", "has nothing to search for");
  query.exact_only = request.mode() == v1::SearchCustomersRequest::MODE_EXACT;
  query.page_size =
      request.page_size() == 0 ? kDefaultPageSize : std::min(request.page_size(), kMaxPageSize);
  const uint64_t fingerprint =
      FilterFingerprint({"search", query.text, query.exact_only ? "exact" : "fuzzy"});
  CRM_ASSIGN_OR_RETURN(std::vector<std::string> position,
                       DecodePageToken(request.page_token(), fingerprint));
  if (!position.empty()) {
    if (position.size() != 2 || !absl::SimpleAtoi(position[0], &query.tier) ||
        !absl::SimpleAtoi(position[1], &query.after_id) || query.tier < 1 || query.tier > 3) {
      return InvalidField("page_token", "is malformed");
    }
  }
  CRM_ASSIGN_OR_RETURN(SearchPage page, repository_.Search(call, query));
  const GradeThresholds thresholds = grades_.Current();
  for (v1::SearchResult& result : page.results) {
    PresentCustomer(thresholds, *result.mutable_customer());
    *response->add_results() = std::move(result);
  }
  response->set_total_size(page.total_size);
  response->set_total_size_exact(page.total_size_exact);
  if (page.has_more) {
    response->set_next_page_token(EncodePageToken(
        {absl::StrCat(page.next_tier), absl::StrCat(page.next_after_id)}, fingerprint));
  }
  return absl::OkStatus();
}

}  // namespace crm::customer
