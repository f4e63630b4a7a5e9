// CampaignHandlers: the campaign field rules.
#include "services/sales/campaign_handlers.h"

#include <set>
#include <string>

#include "absl/strings/str_cat.h"
#include "common/base/dates.h"
#include "common/base/status_util.h"
#include "common/db/record_helpers.h"
#include "common/rpc/paging.h"
#include "common/rpc/update_mask.h"
#include "common/text/text_checks.h"
#include "services/sales/money.h"
#include "services/sales/order_pricing.h"

namespace crm::sales {
namespace {

using v1::Campaign;

constexpr int kMaxTargets = 500;

MaskField<Campaign> TargetsField() {
  return {[](const Campaign& from, Campaign& to) {
            *to.mutable_target_customer_ids() = from.target_customer_ids();
          },
          [](const Campaign& c) { return c.target_customer_ids_size() > 0; }};
}

const MaskFields<Campaign>& MutableFields() {
  static const auto* fields = new MaskFields<Campaign>{
      {"name", TextField(&Campaign::name, &Campaign::mutable_name)},
      {"type", ScalarField(&Campaign::type, &Campaign::set_type)},
      {"status", ScalarField(&Campaign::status, &Campaign::set_status)},
      {"start_date", VerbatimTextField(&Campaign::start_date, &Campaign::mutable_start_date)},
      {"end_date", VerbatimTextField(&Campaign::end_date, &Campaign::mutable_end_date)},
      {"budget", MessageField(&Campaign::has_budget, &Campaign::budget, &Campaign::mutable_budget)},
      {"cost", MessageField(&Campaign::has_cost, &Campaign::cost, &Campaign::mutable_cost)},
      {"description", TextField(&Campaign::description, &Campaign::mutable_description)},
      {"target_customer_ids", TargetsField()},
  };
  return *fields;
}

void CheckTargets(FieldViolations& v, const Campaign& c) {
  if (c.target_customer_ids_size() > kMaxTargets) {
    v.Add("campaign.target_customer_ids", absl::StrCat("at most ", kMaxTargets, " customers"));
  }
  for (int i = 0; i < c.target_customer_ids_size(); ++i) {
    if (c.target_customer_ids(i) <= 0) {
      v.Add(absl::StrCat("campaign.target_customer_ids[", i, "]"),
            "must be a positive customer id");
    }
  }
}

// Everything that can be checked without the database; normalises money.
absl::Status ValidateCampaign(Campaign& c) {
  FieldViolations v;
  CheckText(v, "campaign.name", c.name(), 200, Presence::kRequired);
  if (c.type() == v1::CAMPAIGN_TYPE_UNSPECIFIED || !v1::CampaignType_IsValid(c.type())) {
    v.Add("campaign.type", "must be a campaign type");
  }
  if (c.status() == v1::CAMPAIGN_STATUS_UNSPECIFIED) c.set_status(v1::CAMPAIGN_STATUS_PLANNED);
  if (!v1::CampaignStatus_IsValid(c.status())) v.Add("campaign.status", "is not a campaign status");
  const absl::StatusOr<absl::CivilDay> start = ParseIsoDate(c.start_date());
  const absl::StatusOr<absl::CivilDay> end = ParseIsoDate(c.end_date());
  if (!start.ok()) v.Add("campaign.start_date", "must be a date, YYYY-MM-DD");
  if (!end.ok()) v.Add("campaign.end_date", "must be a date, YYYY-MM-DD");
  if (start.ok() && end.ok() && *end < *start) {
    v.Add("campaign.end_date", "must not be before start_date");
  }
  CheckPrice(v, "campaign.budget", c.budget(), kMaxOrderTotalFen);
  CheckPrice(v, "campaign.cost", c.cost(), kMaxOrderTotalFen);
  *c.mutable_budget() = Fen(c.budget().minor_units());
  *c.mutable_cost() = Fen(c.cost().minor_units());
  CheckText(v, "campaign.description", c.description(), 4000, Presence::kOptional,
            /*multiline=*/true);
  CheckTargets(v, c);
  return v.ToStatus();
}

absl::Status CheckCampaignId(int64_t id, const char* field) {
  return id > 0 ? absl::OkStatus() : InvalidField(field, "must be a positive campaign id");
}

}  // namespace

absl::Status CampaignHandlers::CheckNewTargets(const CallContext& call, const Campaign& campaign,
                                               const Campaign* known) {
  std::set<int64_t> checked;
  if (known != nullptr) {
    checked.insert(known->target_customer_ids().begin(), known->target_customer_ids().end());
  }
  for (int i = 0; i < campaign.target_customer_ids_size(); ++i) {
    const int64_t customer_id = campaign.target_customer_ids(i);
    if (!checked.insert(customer_id).second) continue;
    absl::Status seen = check_customer_(call, customer_id, 0);
    if (absl::IsNotFound(seen)) {
      return absl::NotFoundError(absl::StrCat("campaign.target_customer_ids[", i, "]: customer ",
                                              customer_id, " not found"));
    }
    CRM_RETURN_IF_ERROR(seen);
  }
  return absl::OkStatus();
}

absl::Status CampaignHandlers::CreateCampaign(const CallContext& call,
                                              const v1::CreateCampaignRequest& request,
                                              Campaign* response) {
  CRM_RETURN_IF_ERROR(ValidateRequestId(request.request_id()));
  if (!request.has_campaign()) return InvalidField("campaign", "is required");
  Campaign campaign;  // only what a caller may set
  for (const auto& [path, field] : MutableFields()) field.copy(request.campaign(), campaign);
  CRM_RETURN_IF_ERROR(ValidateCampaign(campaign));
  CRM_RETURN_IF_ERROR(CheckNewTargets(call, campaign, nullptr));
  CRM_ASSIGN_OR_RETURN(*response, campaigns_.Create(call, campaign, request.request_id()));
  return absl::OkStatus();
}

absl::Status CampaignHandlers::GetCampaign(const CallContext& call,
                                           const v1::GetCampaignRequest& request,
                                           Campaign* response) {
  CRM_RETURN_IF_ERROR(CheckCampaignId(request.id(), "id"));
  CRM_ASSIGN_OR_RETURN(*response, campaigns_.Get(call, request.id()));
  return absl::OkStatus();
}

absl::Status CampaignHandlers::UpdateCampaign(const CallContext& call,
                                              const v1::UpdateCampaignRequest& request,
                                              Campaign* response) {
  const Campaign& patch = request.campaign();
  CRM_RETURN_IF_ERROR(CheckCampaignId(patch.id(), "campaign.id"));
  CRM_RETURN_IF_ERROR(RequireEtag(patch.etag(), "campaign.etag"));
  Campaign scratch;  // the mask checked before the database is touched
  CRM_RETURN_IF_ERROR(ApplyMask(request.update_mask(), MutableFields(), patch, scratch));
  if (scratch.target_customer_ids_size() > 0) {
    // Only customers new to the campaign are asked about.
    FieldViolations v;
    CheckTargets(v, scratch);
    CRM_RETURN_IF_ERROR(v.ToStatus());
    CRM_ASSIGN_OR_RETURN(const Campaign stored, campaigns_.Get(call, patch.id()));
    CRM_RETURN_IF_ERROR(CheckNewTargets(call, scratch, &stored));
  }
  auto change = [&](Campaign& stored) -> absl::Status {
    CRM_RETURN_IF_ERROR(ApplyMask(request.update_mask(), MutableFields(), patch, stored));
    return ValidateCampaign(stored);
  };
  CRM_ASSIGN_OR_RETURN(*response, campaigns_.Update(call, patch.id(), patch.etag(), change));
  return absl::OkStatus();
}

absl::Status CampaignHandlers::ListCampaigns(const CallContext& call,
                                             const v1::ListCampaignsRequest& request,
                                             v1::ListCampaignsResponse* response) {
  FieldViolations v;
  if (!v1::CampaignStatus_IsValid(request.status())) v.Add("status", "is not a campaign status");
  CRM_ASSIGN_OR_RETURN(PageRequest page, PageRequest::ForRequest(request, "campaigns", {}, &v));
  CRM_ASSIGN_OR_RETURN(auto before, (page.After<int64_t>()));
  CRM_ASSIGN_OR_RETURN(
      Page<Campaign> listed,
      campaigns_.List(call, request.status(), page.size(),
                      before ? std::optional<int64_t>(std::get<0>(*before)) : std::nullopt));
  for (Campaign& c : listed.rows) *response->add_campaigns() = std::move(c);
  response->set_total_size(listed.total_size);
  if (listed.has_more) {
    const Campaign& last = response->campaigns(response->campaigns_size() - 1);
    response->set_next_page_token(page.NextToken(listed.has_more, {absl::StrCat(last.id())}));
  }
  return absl::OkStatus();
}

absl::Status CampaignHandlers::GetCampaignResults(const CallContext& call,
                                                  const v1::GetCampaignResultsRequest& request,
                                                  v1::CampaignResults* response) {
  CRM_RETURN_IF_ERROR(CheckCampaignId(request.id(), "id"));
  CRM_ASSIGN_OR_RETURN(*response, campaigns_.Results(call, request.id()));
  return absl::OkStatus();
}

}  // namespace crm::sales
