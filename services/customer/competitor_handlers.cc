// CompetitorHandlers, with the competitor field rules.
#include "services/customer/competitor_handlers.h"

#include <algorithm>
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "common/base/status_util.h"
#include "common/db/record_helpers.h"
#include "common/rpc/paging.h"
#include "common/rpc/update_mask.h"
#include "common/text/text_checks.h"
#include "services/customer/customer_validation.h"

namespace crm::customer {
namespace {

using v1::Competitor;

constexpr int kMaxMarketShareBp = 10000;

const MaskFields<Competitor>& MutableFields() {
  static const auto* fields = new MaskFields<Competitor>{
      {"name", TextField(&Competitor::name, &Competitor::mutable_name)},
      {"website", TextField(&Competitor::website, &Competitor::mutable_website)},
      {"products", TextField(&Competitor::products, &Competitor::mutable_products)},
      {"strengths", TextField(&Competitor::strengths, &Competitor::mutable_strengths)},
      {"weaknesses", TextField(&Competitor::weaknesses, &Competitor::mutable_weaknesses)},
      {"remarks", TextField(&Competitor::remarks, &Competitor::mutable_remarks)},
      {"market_share_bp",
       ScalarField(&Competitor::market_share_bp, &Competitor::set_market_share_bp)},
  };
  return *fields;
}

absl::Status ValidateCompetitor(const Competitor& c) {
  FieldViolations v;
  CheckText(v, "competitor.name", c.name(), 200, Presence::kRequired);
  CheckText(v, "competitor.website", c.website(), 254, Presence::kOptional);
  for (auto [name, value] :
       {std::pair<const char*, const std::string*>{"competitor.products", &c.products()},
        {"competitor.strengths", &c.strengths()},
        {"competitor.weaknesses", &c.weaknesses()},
        {"competitor.remarks", &c.remarks()}}) {
    CheckText(v, name, *value, 2000, Presence::kOptional, /*multiline=*/true);
  }
  if (c.market_share_bp() < 0 || c.market_share_bp() > kMaxMarketShareBp) {
    v.Add("competitor.market_share_bp",
          absl::StrCat("must be 0 to ", kMaxMarketShareBp, " basis points"));
  }
  return v.ToStatus();
}

absl::Status CheckCompetitorId(int64_t id, const char* field) {
  return id > 0 ? absl::OkStatus() : InvalidField(field, "must be a positive competitor id");
}

}  // namespace

absl::Status CompetitorHandlers::CreateCompetitor(const CallContext& call,
                                                  const v1::CreateCompetitorRequest& request,
                                                  Competitor* response) {
  CRM_RETURN_IF_ERROR(ValidateRequestId(request.request_id()));
  if (!request.has_competitor()) return InvalidField("competitor", "is required");
  Competitor competitor;  // id, times and etag are output only
  for (const auto& [path, field] : MutableFields()) field.copy(request.competitor(), competitor);
  CRM_RETURN_IF_ERROR(ValidateCompetitor(competitor));
  CRM_ASSIGN_OR_RETURN(*response, repository_.Create(call, competitor, request.request_id()));
  return absl::OkStatus();
}

absl::Status CompetitorHandlers::GetCompetitor(const CallContext& call,
                                               const v1::GetCompetitorRequest& request,
                                               Competitor* response) {
  CRM_RETURN_IF_ERROR(CheckCompetitorId(request.id(), "id"));
  CRM_ASSIGN_OR_RETURN(*response, repository_.Get(call, request.id()));
  return absl::OkStatus();
}

absl::Status CompetitorHandlers::UpdateCompetitor(const CallContext& call,
                                                  const v1::UpdateCompetitorRequest& request,
                                                  Competitor* response) {
  const Competitor& patch = request.competitor();
  CRM_RETURN_IF_ERROR(CheckCompetitorId(patch.id(), "competitor.id"));
  CRM_RETURN_IF_ERROR(RequireEtag(patch.etag(), "competitor.etag"));
  // Check the mask before touching the database, so a bad one costs nothing.
  Competitor scratch;
  CRM_RETURN_IF_ERROR(ApplyMask(request.update_mask(), MutableFields(), patch, scratch));
  auto change = [&](Competitor& stored) -> absl::Status {
    CRM_RETURN_IF_ERROR(ApplyMask(request.update_mask(), MutableFields(), patch, stored));
    return ValidateCompetitor(stored);
  };
  CRM_ASSIGN_OR_RETURN(*response, repository_.Update(call, patch.id(), patch.etag(), change));
  return absl::OkStatus();
}

absl::Status CompetitorHandlers::ListCompetitors(const CallContext& call,
                                                 const v1::ListCompetitorsRequest& request,
                                                 v1::ListCompetitorsResponse* response) {
  const std::string query = TrimText(request.query());
  FieldViolations v;
  CheckText(v, "query", query, 200, Presence::kOptional);
  CRM_ASSIGN_OR_RETURN(PageRequest page,
                       PageRequest::Parse(request, {"competitors", query}, {}, &v));
  CRM_ASSIGN_OR_RETURN(auto after, (page.After<std::string, int64_t>()));
  std::optional<CompetitorPosition> position;
  if (after) position = CompetitorPosition{std::get<0>(*after), std::get<1>(*after)};
  CRM_ASSIGN_OR_RETURN(CompetitorPage listed, repository_.List(call, query, page.size(), position));
  for (Competitor& c : listed.rows) *response->add_competitors() = std::move(c);
  response->set_total_size(listed.total_size);
  if (listed.has_more) {
    const Competitor& last = response->competitors(response->competitors_size() - 1);
    response->set_next_page_token(
        page.NextToken(listed.has_more, {last.name(), absl::StrCat(last.id())}));
  }
  return absl::OkStatus();
}

}  // namespace crm::customer
