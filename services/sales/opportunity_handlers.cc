// OpportunityHandlers: the opportunity field rules, stage moves and closing,
// the stale list and the forecast.
#include "services/sales/opportunity_handlers.h"

#include <optional>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "common/base/dates.h"
#include "common/base/status_util.h"
#include "common/db/record_helpers.h"
#include "common/db/sql_time.h"
#include "common/rpc/paging.h"
#include "common/rpc/update_mask.h"
#include "common/text/text_checks.h"
#include "services/sales/money.h"
#include "services/sales/order_pricing.h"

namespace crm::sales {
namespace {

using v1::Opportunity;

constexpr int kMaxStaleDays = 3650;
constexpr int kMaxForecastMonths = 36;

const MaskFields<Opportunity>& MutableFields() {
  static const auto* fields = new MaskFields<Opportunity>{
      {"title", TextField(&Opportunity::title, &Opportunity::mutable_title)},
      {"stage_code", TextField(&Opportunity::stage_code, &Opportunity::mutable_stage_code)},
      {"amount",
       MessageField(&Opportunity::has_amount, &Opportunity::amount, &Opportunity::mutable_amount)},
      {"win_probability_percent", ScalarField(&Opportunity::win_probability_percent,
                                              &Opportunity::set_win_probability_percent)},
      {"expected_close_date", VerbatimTextField(&Opportunity::expected_close_date,
                                                &Opportunity::mutable_expected_close_date)},
      {"source", TextField(&Opportunity::source, &Opportunity::mutable_source)},
      {"campaign_id", ScalarField(&Opportunity::campaign_id, &Opportunity::set_campaign_id)},
  };
  return *fields;
}

absl::Status ValidateOpportunity(Opportunity& o) {
  FieldViolations v;
  if (o.customer_id() <= 0) v.Add("opportunity.customer_id", "must be a positive customer id");
  CheckText(v, "opportunity.title", o.title(), 200, Presence::kRequired);
  CheckText(v, "opportunity.stage_code", o.stage_code(), 32, Presence::kRequired);
  CheckPrice(v, "opportunity.amount", o.amount(), kMaxOrderTotalFen);
  *o.mutable_amount() = Fen(o.amount().minor_units());
  if (o.win_probability_percent() < 0 || o.win_probability_percent() > 100) {
    v.Add("opportunity.win_probability_percent", "must be 0 to 100");
  }
  if (!ParseIsoDate(o.expected_close_date()).ok()) {
    v.Add("opportunity.expected_close_date", "must be a date, YYYY-MM-DD");
  }
  CheckText(v, "opportunity.source", o.source(), 100, Presence::kOptional);
  if (o.campaign_id() < 0) v.Add("opportunity.campaign_id", "must be a campaign id, or 0");
  return v.ToStatus();
}

absl::Status ValidateStage(const v1::PipelineStage& s) {
  FieldViolations v;
  const bool code_ok =
      !s.code().empty() && s.code().size() <= 32 &&
      s.code().find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789_") == std::string::npos;
  if (!code_ok) v.Add("stage.code", "must be 1 to 32 of a-z, 0-9 and _");
  CheckText(v, "stage.name", s.name(), 100, Presence::kRequired);
  if (s.win_probability_percent() < 0 || s.win_probability_percent() > 100) {
    v.Add("stage.win_probability_percent", "must be 0 to 100");
  }
  return v.ToStatus();
}

absl::Status CheckId(int64_t id, const char* field) {
  return id > 0 ? absl::OkStatus() : InvalidField(field, "must be a positive opportunity id");
}

absl::Status NotOpen(const Opportunity& o, absl::string_view step) {
  return absl::FailedPreconditionError(absl::StrCat("opportunity ", o.id(), " is ",
                                                    v1::OpportunityStatus_Name(o.status()),
                                                    ": only OPEN opportunities can be ", step));
}

// "YYYY-MM" as the first day of its month.
std::optional<absl::CivilMonth> ParseMonth(const std::string& text) {
  absl::StatusOr<absl::CivilDay> day = ParseIsoDate(text + "-01");
  if (text.size() != 7 || !day.ok()) return std::nullopt;
  return absl::CivilMonth(*day);
}

void FillRow(const ForecastGroup& g, v1::ForecastRow* row) {
  row->set_key(g.key);
  row->set_count(g.count);
  *row->mutable_amount() = Fen(g.amount_fen);
  *row->mutable_weighted_amount() = Fen(DivideRoundingHalfUp(g.weighted_fen_percent, 100));
}

}  // namespace

absl::Status OpportunityHandlers::ListPipelineStages(const CallContext& call,
                                                     const v1::ListPipelineStagesRequest&,
                                                     v1::ListPipelineStagesResponse* response) {
  CRM_ASSIGN_OR_RETURN(std::vector<v1::PipelineStage> stages, opportunities_.ListStages(call));
  for (v1::PipelineStage& s : stages) *response->add_stages() = std::move(s);
  return absl::OkStatus();
}

absl::Status OpportunityHandlers::SetPipelineStage(const CallContext& call,
                                                   const v1::SetPipelineStageRequest& request,
                                                   v1::PipelineStage* response) {
  v1::PipelineStage stage = request.stage();
  stage.set_name(TrimText(stage.name()));
  CRM_RETURN_IF_ERROR(ValidateStage(stage));
  CRM_ASSIGN_OR_RETURN(*response, opportunities_.SetStage(call, stage));
  return absl::OkStatus();
}

absl::Status OpportunityHandlers::CreateOpportunity(const CallContext& call,
                                                    const v1::CreateOpportunityRequest& request,
                                                    Opportunity* response) {
  CRM_RETURN_IF_ERROR(ValidateRequestId(request.request_id()));
  if (!request.has_opportunity()) return InvalidField("opportunity", "is required");
  Opportunity o;  // only what a caller may set
  o.set_customer_id(request.opportunity().customer_id());
  for (const auto& [path, field] : MutableFields()) field.copy(request.opportunity(), o);
  CRM_RETURN_IF_ERROR(ValidateOpportunity(o));
  if (o.campaign_id() > 0) {
    CRM_RETURN_IF_ERROR(campaigns_.CheckExists(call, o.campaign_id(), "opportunity.campaign_id"));
  }
  CRM_RETURN_IF_ERROR(check_customer_(call, o.customer_id(), 0));
  CRM_ASSIGN_OR_RETURN(*response, opportunities_.Create(call, o, o.win_probability_percent() != 0,
                                                        request.request_id()));
  return absl::OkStatus();
}

absl::Status OpportunityHandlers::GetOpportunity(const CallContext& call,
                                                 const v1::GetOpportunityRequest& request,
                                                 Opportunity* response) {
  CRM_RETURN_IF_ERROR(CheckId(request.id(), "id"));
  CRM_ASSIGN_OR_RETURN(*response, opportunities_.Get(call, request.id()));
  return absl::OkStatus();
}

absl::Status OpportunityHandlers::UpdateOpportunity(const CallContext& call,
                                                    const v1::UpdateOpportunityRequest& request,
                                                    Opportunity* response) {
  const Opportunity& patch = request.opportunity();
  CRM_RETURN_IF_ERROR(CheckId(patch.id(), "opportunity.id"));
  CRM_RETURN_IF_ERROR(RequireEtag(patch.etag(), "opportunity.etag"));
  Opportunity scratch;  // the mask checked before the database is touched
  CRM_RETURN_IF_ERROR(ApplyMask(request.update_mask(), MutableFields(), patch, scratch));
  // Whether this request sets the probability itself (else a stage move
  // brings its stage's).
  Opportunity probe;
  probe.set_win_probability_percent(-1);
  CRM_RETURN_IF_ERROR(ApplyMask(request.update_mask(), MutableFields(), patch, probe));
  const bool probability_given = probe.win_probability_percent() != -1;
  if (scratch.campaign_id() > 0) {
    CRM_RETURN_IF_ERROR(
        campaigns_.CheckExists(call, scratch.campaign_id(), "opportunity.campaign_id"));
  }
  auto edit = [&](Opportunity& stored,
                  const OpportunityRepository::StageLookup& stage) -> absl::Status {
    if (stored.status() != v1::OPEN) return NotOpen(stored, "changed");
    const std::string old_stage = stored.stage_code();
    CRM_RETURN_IF_ERROR(ApplyMask(request.update_mask(), MutableFields(), patch, stored));
    if (stored.stage_code() != old_stage && !probability_given) {
      if (std::optional<v1::PipelineStage> moved = stage(stored.stage_code())) {
        stored.set_win_probability_percent(moved->win_probability_percent());
      }
    }
    return ValidateOpportunity(stored);
  };
  CRM_ASSIGN_OR_RETURN(*response, opportunities_.Update(call, patch.id(), patch.etag(), edit));
  return absl::OkStatus();
}

absl::Status OpportunityHandlers::CloseOpportunity(const CallContext& call,
                                                   const v1::CloseOpportunityRequest& request,
                                                   Opportunity* response) {
  CRM_RETURN_IF_ERROR(CheckId(request.id(), "id"));
  const std::string reason = TrimText(request.reason());
  FieldViolations v;
  CheckText(v, "reason", reason, 500, Presence::kRequired);
  CRM_RETURN_IF_ERROR(v.ToStatus());
  const std::string today = FormatIsoDate(absl::ToCivilDay(call.Now(), opportunities_.zone()));
  auto edit = [&](Opportunity& stored, const OpportunityRepository::StageLookup&) -> absl::Status {
    if (stored.status() != v1::OPEN) return NotOpen(stored, "closed");
    stored.set_status(request.won() ? v1::WON : v1::LOST);
    stored.set_close_reason(reason);
    stored.set_closed_date(today);
    return absl::OkStatus();
  };
  CRM_ASSIGN_OR_RETURN(*response, opportunities_.Update(call, request.id(), request.etag(), edit));
  return absl::OkStatus();
}

absl::Status OpportunityHandlers::ListOpportunities(const CallContext& call,
                                                    const v1::ListOpportunitiesRequest& request,
                                                    v1::ListOpportunitiesResponse* response) {
  FieldViolations v;
  if (request.customer_id() < 0) v.Add("customer_id", "must be a customer id, or 0 for all");
  if (request.owner_employee_id() < 0) {
    v.Add("owner_employee_id", "must be an employee id, or 0 for all");
  }
  if (!v1::OpportunityStatus_IsValid(request.status())) {
    v.Add("status", "is not an opportunity status");
  }
  CheckText(v, "stage_code", request.stage_code(), 32, Presence::kOptional);
  CRM_ASSIGN_OR_RETURN(PageRequest page, PageRequest::ForRequest(request, "opportunities", {}, &v));
  CRM_ASSIGN_OR_RETURN(auto before, (page.After<int64_t>()));
  const OpportunityFilter filter{request.customer_id(), request.status(), request.stage_code(),
                                 request.owner_employee_id()};
  CRM_ASSIGN_OR_RETURN(
      Page<Opportunity> listed,
      opportunities_.List(call, filter, page.size(),
                          before ? std::optional<int64_t>(std::get<0>(*before)) : std::nullopt));
  for (Opportunity& o : listed.rows) *response->add_opportunities() = std::move(o);
  response->set_total_size(listed.total_size);
  if (listed.has_more) {
    const Opportunity& last = response->opportunities(response->opportunities_size() - 1);
    response->set_next_page_token(page.NextToken(listed.has_more, {absl::StrCat(last.id())}));
  }
  return absl::OkStatus();
}

absl::Status OpportunityHandlers::ListOpportunityHistory(
    const CallContext& call, const v1::ListOpportunityHistoryRequest& request,
    v1::ListOpportunityHistoryResponse* response) {
  FieldViolations v;
  if (request.opportunity_id() <= 0) {
    v.Add("opportunity_id", "must be a positive opportunity id");
  }
  CRM_ASSIGN_OR_RETURN(PageRequest page,
                       PageRequest::ForRequest(request, "opportunity_history", {}, &v));
  CRM_ASSIGN_OR_RETURN(auto after, (page.After<int64_t>()));
  CRM_ASSIGN_OR_RETURN(
      Page<v1::OpportunityChange> listed,
      opportunities_.History(call, request.opportunity_id(), page.size(),
                             after ? std::optional<int64_t>(std::get<0>(*after)) : std::nullopt));
  for (v1::OpportunityChange& h : listed.rows) *response->add_changes() = std::move(h);
  if (listed.has_more) {
    const v1::OpportunityChange& last = response->changes(response->changes_size() - 1);
    response->set_next_page_token(page.NextToken(listed.has_more, {absl::StrCat(last.id())}));
  }
  return absl::OkStatus();
}

absl::Status OpportunityHandlers::ListStaleOpportunities(
    const CallContext& call, const v1::ListStaleOpportunitiesRequest& request,
    v1::ListStaleOpportunitiesResponse* response) {
  FieldViolations v;
  if (request.days() < 0 || request.days() > kMaxStaleDays) {
    v.Add("days", absl::StrCat("must be 1 to ", kMaxStaleDays, ", or 0 for the default"));
  }
  CRM_ASSIGN_OR_RETURN(PageRequest page,
                       PageRequest::ForRequest(request, "stale_opportunities", {}, &v));
  CRM_ASSIGN_OR_RETURN(auto after, (page.After<std::string, int64_t>()));
  const int days = request.days() == 0 ? stale_after_days_ : request.days();
  std::optional<std::pair<std::string, int64_t>> position;
  if (after) position = std::make_pair(std::get<0>(*after), std::get<1>(*after));
  CRM_ASSIGN_OR_RETURN(
      Page<Opportunity> listed,
      opportunities_.ListStale(call, call.Now() - absl::Hours(24) * days, page.size(), position));
  for (Opportunity& o : listed.rows) *response->add_opportunities() = std::move(o);
  response->set_total_size(listed.total_size);
  if (listed.has_more) {
    const Opportunity& last = response->opportunities(response->opportunities_size() - 1);
    const absl::Time at = absl::FromUnixSeconds(last.last_activity_time().seconds()) +
                          absl::Nanoseconds(last.last_activity_time().nanos());
    response->set_next_page_token(
        page.NextToken(listed.has_more, {FormatSqlDateTime(at), absl::StrCat(last.id())}));
  }
  return absl::OkStatus();
}

absl::Status OpportunityHandlers::GetForecast(const CallContext& call,
                                              const v1::GetForecastRequest& request,
                                              v1::GetForecastResponse* response) {
  FieldViolations v;
  if (request.group_by() == v1::GetForecastRequest::GROUP_BY_UNSPECIFIED ||
      !v1::GetForecastRequest::GroupBy_IsValid(request.group_by())) {
    v.Add("group_by", "must be CLOSE_MONTH, OWNER or DEPARTMENT");
  }
  const std::optional<absl::CivilMonth> from = ParseMonth(request.from_month());
  const std::optional<absl::CivilMonth> to = ParseMonth(request.to_month());
  if (!from) v.Add("from_month", "must be a month, YYYY-MM");
  if (!to) v.Add("to_month", "must be a month, YYYY-MM");
  if (from && to && (*to < *from || *to - *from >= kMaxForecastMonths)) {
    v.Add("to_month", absl::StrCat("must be from_month or later, at most ", kMaxForecastMonths,
                                   " months in all"));
  }
  CRM_RETURN_IF_ERROR(v.ToStatus());
  const std::string first_day = FormatIsoDate(absl::CivilDay(*from));
  const std::string last_day = FormatIsoDate(absl::CivilDay(*to + 1) - 1);
  CRM_ASSIGN_OR_RETURN(std::vector<ForecastGroup> groups,
                       opportunities_.Forecast(call, request.group_by(), first_day, last_day));
  ForecastGroup total{"total"};
  for (const ForecastGroup& g : groups) {
    FillRow(g, response->add_rows());
    total.count += g.count;
    total.amount_fen += g.amount_fen;
    total.weighted_fen_percent += g.weighted_fen_percent;
  }
  FillRow(total, response->mutable_total());
  return absl::OkStatus();
}

}  // namespace crm::sales
