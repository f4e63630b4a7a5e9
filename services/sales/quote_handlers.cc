// QuoteHandlers: the quote field rules and the status machine.
#include "services/sales/quote_handlers.h"

#include <map>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "common/base/dates.h"
#include "common/base/status_util.h"
#include "common/db/record_helpers.h"
#include "common/rpc/paging.h"
#include "common/rpc/update_mask.h"
#include "common/text/text_checks.h"
#include "services/sales/approval_repository.h"
#include "services/sales/opportunity_repository.h"
#include "services/sales/order_lines.h"
#include "services/sales/product_repository.h"

namespace crm::sales {
namespace {

using v1::Quote;

void CopyQuoteLineTerms(const Quote& from, Quote& to) {
  CopyLineTerms(from.lines(), *to.mutable_lines());
}

const MaskFields<Quote>& MutableFields() {
  static const auto* fields = new MaskFields<Quote>{
      {"lines", {&CopyQuoteLineTerms, [](const Quote& q) { return q.lines_size() > 0; }}},
      {"order_discount_bp", ScalarField(&Quote::order_discount_bp, &Quote::set_order_discount_bp)},
      {"contact_id", ScalarField(&Quote::contact_id, &Quote::set_contact_id)},
      {"opportunity_id", ScalarField(&Quote::opportunity_id, &Quote::set_opportunity_id)},
      {"quote_date", VerbatimTextField(&Quote::quote_date, &Quote::mutable_quote_date)},
      {"valid_until", VerbatimTextField(&Quote::valid_until, &Quote::mutable_valid_until)},
      {"remarks", TextField(&Quote::remarks, &Quote::mutable_remarks)},
  };
  return *fields;
}

// Everything that can be checked without the database.
absl::Status ValidateQuote(const Quote& q) {
  FieldViolations v;
  if (q.customer_id() <= 0) v.Add("quote.customer_id", "must be a positive customer id");
  if (q.contact_id() < 0) v.Add("quote.contact_id", "must be a contact id, or 0 for none");
  if (q.opportunity_id() < 0) {
    v.Add("quote.opportunity_id", "must be an opportunity id, or 0 for none");
  }
  CheckLineTerms(v, "quote", q.lines(), q.order_discount_bp());
  const absl::StatusOr<absl::CivilDay> quoted =
      q.quote_date().empty() ? absl::StatusOr<absl::CivilDay>(absl::CivilDay())
                             : ParseIsoDate(q.quote_date());
  if (!quoted.ok()) v.Add("quote.quote_date", "must be a date, YYYY-MM-DD");
  if (!q.valid_until().empty()) {
    const absl::StatusOr<absl::CivilDay> until = ParseIsoDate(q.valid_until());
    if (!until.ok()) {
      v.Add("quote.valid_until", "must be a date, YYYY-MM-DD");
    } else if (quoted.ok() && !q.quote_date().empty() && *until < *quoted) {
      v.Add("quote.valid_until", "must not be before quote_date");
    }
  }
  CheckText(v, "quote.remarks", q.remarks(), 2000, Presence::kOptional, /*multiline=*/true);
  return v.ToStatus();
}

absl::Status CheckQuoteId(int64_t id, const char* field) {
  return id > 0 ? absl::OkStatus() : InvalidField(field, "must be a positive quote id");
}

absl::Status WrongStatus(const Quote& quote, absl::string_view step, absl::string_view allowed) {
  return WithErrorInfo(absl::FailedPreconditionError(absl::StrCat(
                           "quote ", quote.number(), " is ", v1::QuoteStatus_Name(quote.status()),
                           ": only ", allowed, " quotes can be ", step)),
                       "STATUS_STEP_NOT_ALLOWED",
                       {{"status", v1::QuoteStatus_Name(quote.status())}},
                       absl::StrCat("quote/", quote.id()));
}

}  // namespace

absl::Status QuoteHandlers::CreateQuote(const CallContext& call,
                                        const v1::CreateQuoteRequest& request, Quote* response) {
  CRM_RETURN_IF_ERROR(ValidateRequestId(request.request_id()));
  if (!request.has_quote()) return InvalidField("quote", "is required");
  Quote quote;  // only what a caller may set
  quote.set_customer_id(request.quote().customer_id());
  for (const auto& [path, field] : MutableFields()) field.copy(request.quote(), quote);
  CRM_RETURN_IF_ERROR(ValidateQuote(quote));
  CRM_RETURN_IF_ERROR(check_customer_(call, quote.customer_id(), quote.contact_id()));
  CRM_ASSIGN_OR_RETURN(*response, quotes_.Create(call, quote, request.request_id()));
  return absl::OkStatus();
}

absl::Status QuoteHandlers::GetQuote(const CallContext& call, const v1::GetQuoteRequest& request,
                                     Quote* response) {
  CRM_RETURN_IF_ERROR(CheckQuoteId(request.id(), "id"));
  CRM_ASSIGN_OR_RETURN(*response, quotes_.Get(call, request.id()));
  return absl::OkStatus();
}

absl::Status QuoteHandlers::UpdateQuote(const CallContext& call,
                                        const v1::UpdateQuoteRequest& request, Quote* response) {
  const Quote& patch = request.quote();
  CRM_RETURN_IF_ERROR(CheckQuoteId(patch.id(), "quote.id"));
  CRM_RETURN_IF_ERROR(RequireEtag(patch.etag(), "quote.etag"));
  Quote scratch;  // the mask checked before the database is touched
  CRM_RETURN_IF_ERROR(ApplyMask(request.update_mask(), MutableFields(), patch, scratch));
  const bool new_lines = scratch.lines_size() > 0;
  if (scratch.contact_id() > 0) {
    CRM_ASSIGN_OR_RETURN(const Quote stored, quotes_.Get(call, patch.id()));
    CRM_RETURN_IF_ERROR(check_customer_(call, stored.customer_id(), scratch.contact_id()));
  }
  auto edit = [&](MySqlConnection& c, Quote& stored) -> absl::Status {
    if (stored.status() != v1::QUOTE_STATUS_DRAFT) return WrongStatus(stored, "edited", "DRAFT");
    const int64_t opportunity_before = stored.opportunity_id();
    CRM_RETURN_IF_ERROR(ApplyMask(request.update_mask(), MutableFields(), patch, stored));
    CRM_RETURN_IF_ERROR(ValidateQuote(stored));
    if (stored.opportunity_id() != 0 && stored.opportunity_id() != opportunity_before) {
      CRM_RETURN_IF_ERROR(LockOpenOpportunity(c, call, stored.opportunity_id(),
                                              stored.customer_id(), "quote.opportunity_id"));
    }
    if (!new_lines) {
      CRM_RETURN_IF_ERROR(PriceQuote(stored, nullptr));
    } else {
      std::vector<int64_t> product_ids;
      for (const v1::OrderLine& line : stored.lines()) product_ids.push_back(line.product_id());
      const std::map<int64_t, v1::Product> products = LoadProducts(c, product_ids);
      CRM_RETURN_IF_ERROR(PriceQuote(stored, &products));
    }
    WithdrawStaleApproval(c, v1::APPROVAL_DOCUMENT_QUOTE, stored.id(),
                          LineFacts(stored.lines(), stored.total_amount().minor_units()).Key(),
                          call.Now());
    return absl::OkStatus();
  };
  CRM_ASSIGN_OR_RETURN(*response, quotes_.Update(call, patch.id(), patch.etag(), edit, new_lines));
  return absl::OkStatus();
}

absl::Status QuoteHandlers::ListQuotes(const CallContext& call,
                                       const v1::ListQuotesRequest& request,
                                       v1::ListQuotesResponse* response) {
  FieldViolations v;
  if (request.customer_id() < 0) v.Add("customer_id", "must be a customer id, or 0 for all");
  if (!v1::QuoteStatus_IsValid(request.status())) v.Add("status", "is not a quote status");
  CRM_ASSIGN_OR_RETURN(PageRequest page, PageRequest::ForRequest(request, "quotes", {}, &v));
  CRM_ASSIGN_OR_RETURN(auto before, (page.After<int64_t>()));
  CRM_ASSIGN_OR_RETURN(
      Page<Quote> listed,
      quotes_.List(call, request.customer_id(), request.status(), page.size(),
                   before ? std::optional<int64_t>(std::get<0>(*before)) : std::nullopt));
  for (Quote& q : listed.rows) *response->add_quotes() = std::move(q);
  response->set_total_size(listed.total_size);
  if (listed.has_more) {
    const Quote& last = response->quotes(response->quotes_size() - 1);
    response->set_next_page_token(page.NextToken(listed.has_more, {absl::StrCat(last.id())}));
  }
  return absl::OkStatus();
}

absl::Status QuoteHandlers::SendQuote(const CallContext& call, const v1::SendQuoteRequest& request,
                                      Quote* response) {
  CRM_RETURN_IF_ERROR(CheckQuoteId(request.id(), "id"));
  auto edit = [&](MySqlConnection& c, Quote& quote) -> absl::Status {
    if (quote.status() != v1::QUOTE_STATUS_DRAFT) return WrongStatus(quote, "sent", "DRAFT");
    CRM_RETURN_IF_ERROR(CheckApproved(
        c, v1::APPROVAL_DOCUMENT_QUOTE, quote.id(), absl::StrCat("quote ", quote.number()),
        LineFacts(quote.lines(), quote.total_amount().minor_units())));
    quote.set_status(v1::QUOTE_STATUS_SENT);
    return absl::OkStatus();
  };
  CRM_ASSIGN_OR_RETURN(*response, quotes_.Update(call, request.id(), request.etag(), edit, false));
  return absl::OkStatus();
}

absl::Status QuoteHandlers::RejectQuote(const CallContext& call,
                                        const v1::RejectQuoteRequest& request, Quote* response) {
  CRM_RETURN_IF_ERROR(CheckQuoteId(request.id(), "id"));
  const std::string reason = TrimText(request.reason());
  FieldViolations v;
  CheckText(v, "reason", reason, 500, Presence::kRequired);
  CRM_RETURN_IF_ERROR(v.ToStatus());
  auto edit = [&](MySqlConnection&, Quote& quote) -> absl::Status {
    if (quote.status() != v1::QUOTE_STATUS_SENT) return WrongStatus(quote, "rejected", "SENT");
    quote.set_status(v1::QUOTE_STATUS_REJECTED);
    quote.set_reject_reason(reason);
    return absl::OkStatus();
  };
  CRM_ASSIGN_OR_RETURN(*response, quotes_.Update(call, request.id(), request.etag(), edit, false));
  return absl::OkStatus();
}

absl::Status QuoteHandlers::ConvertQuoteToOrder(const CallContext& call,
                                                const v1::ConvertQuoteToOrderRequest& request,
                                                v1::Order* response) {
  CRM_RETURN_IF_ERROR(CheckQuoteId(request.id(), "id"));
  CRM_RETURN_IF_ERROR(ValidateRequestId(request.request_id()));
  if (!request.delivery_date().empty() && !ParseIsoDate(request.delivery_date()).ok()) {
    return InvalidField("delivery_date", "must be a date, YYYY-MM-DD");
  }
  // The customer must still be in the caller's sight.
  CRM_ASSIGN_OR_RETURN(const Quote quote, quotes_.Get(call, request.id()));
  CRM_RETURN_IF_ERROR(check_customer_(call, quote.customer_id(), quote.contact_id()));
  CRM_ASSIGN_OR_RETURN(*response, quotes_.ConvertToOrder(call, request.id(), request.request_id(),
                                                         request.delivery_date()));
  return absl::OkStatus();
}

}  // namespace crm::sales
