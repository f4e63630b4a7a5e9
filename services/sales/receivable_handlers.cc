// ReceivableHandlers: what can be checked without the database, then the
// repository.
#include "services/sales/receivable_handlers.h"

#include <algorithm>
#include <optional>
#include <set>
#include <string>
#include <tuple>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "common/base/dates.h"
#include "common/base/status_util.h"
#include "common/rpc/paging.h"
#include "common/text/text_checks.h"
#include "services/sales/money.h"
#include "services/sales/order_pricing.h"
#include "services/sales/receivable_rules.h"

namespace crm::sales {
namespace {

constexpr int kMaxInstalments = 120;

// A positive id, else a violation naming `field`.
void CheckId(FieldViolations& v, const std::string& field, int64_t id, const char* what) {
  if (id <= 0) v.Add(field, absl::StrCat("must be a positive ", what, " id"));
}

// An amount above 0 fen (and within the largest order total).
void CheckAmount(FieldViolations& v, const std::string& field, const common::v1::Money& money) {
  CheckPrice(v, field, money, kMaxOrderTotalFen);
  if (money.minor_units() == 0) v.Add(field + ".minor_units", "must be above 0");
}

// A YYYY-MM-DD day; with `today`, not after it (money that moved tomorrow).
std::optional<absl::CivilDay> CheckDay(FieldViolations& v, const std::string& field,
                                       const std::string& text,
                                       std::optional<absl::CivilDay> today = std::nullopt) {
  absl::StatusOr<absl::CivilDay> day = ParseIsoDate(text);
  if (!day.ok()) {
    v.Add(field, text.empty() ? "is required" : "must be a date, YYYY-MM-DD");
    return std::nullopt;
  }
  if (today && *day > *today) {
    v.Add(field, absl::StrCat("must not be after today, ", FormatIsoDate(*today)));
  }
  return *day;
}

void CheckMethod(FieldViolations& v, const std::string& field, v1::PaymentMethod method) {
  if (method == v1::PAYMENT_METHOD_UNSPECIFIED || !v1::PaymentMethod_IsValid(method)) {
    v.Add(field, "must be a payment method");
  }
}

// An invoice's own number: 1 to 32 ASCII letters and digits.
bool LooksLikeInvoiceNumber(const std::string& number) {
  return !number.empty() && number.size() <= 32 &&
         std::all_of(number.begin(), number.end(),
                     [](char ch) { return absl::ascii_isalnum(static_cast<unsigned char>(ch)); });
}

}  // namespace

absl::Status ReceivableHandlers::SetPaymentPlan(const CallContext& call,
                                                const v1::SetPaymentPlanRequest& request,
                                                v1::PaymentPlan* response) {
  FieldViolations v;
  CheckId(v, "contract_id", request.contract_id(), "contract");
  if (request.instalments_size() == 0 || request.instalments_size() > kMaxInstalments) {
    v.Add("instalments", absl::StrCat("must hold 1 to ", kMaxInstalments, " instalments"));
  }
  std::vector<std::pair<absl::CivilDay, v1::Instalment>> dated;
  std::set<absl::CivilDay> days;
  for (int i = 0; i < request.instalments_size() && i < kMaxInstalments; ++i) {
    const std::string field = absl::StrCat("instalments[", i, "]");
    const v1::Instalment& given = request.instalments(i);
    CheckAmount(v, field + ".amount", given.amount());
    std::optional<absl::CivilDay> due = CheckDay(v, field + ".due_date", given.due_date());
    if (!due) continue;
    if (!days.insert(*due).second)
      v.Add(field + ".due_date", "is the due date of another instalment");
    v1::Instalment instalment;
    instalment.set_due_date(FormatIsoDate(*due));
    *instalment.mutable_amount() = Fen(given.amount().minor_units());
    dated.emplace_back(*due, instalment);
  }
  CRM_RETURN_IF_ERROR(v.ToStatus());
  std::sort(dated.begin(), dated.end(),
            [](const auto& a, const auto& b) { return a.first < b.first; });
  std::vector<v1::Instalment> instalments;
  for (auto& [day, instalment] : dated) instalments.push_back(std::move(instalment));
  CRM_ASSIGN_OR_RETURN(*response, receivables_.SetPlan(call, request.contract_id(), instalments));
  return absl::OkStatus();
}

absl::Status ReceivableHandlers::GetPaymentPlan(const CallContext& call,
                                                const v1::GetPaymentPlanRequest& request,
                                                v1::PaymentPlan* response) {
  FieldViolations v;
  CheckId(v, "contract_id", request.contract_id(), "contract");
  CRM_RETURN_IF_ERROR(v.ToStatus());
  CRM_ASSIGN_OR_RETURN(*response, receivables_.GetPlan(call, request.contract_id()));
  return absl::OkStatus();
}

absl::Status ReceivableHandlers::RecordReceipt(const CallContext& call,
                                               const v1::RecordReceiptRequest& request,
                                               v1::Receipt* response) {
  FieldViolations v;
  CheckRequestId(v, request.request_id());
  if (!request.has_receipt()) return InvalidField("receipt", "is required");
  const v1::Receipt& given = request.receipt();
  CheckId(v, "receipt.contract_id", given.contract_id(), "contract");
  CheckAmount(v, "receipt.amount", given.amount());
  CheckDay(v, "receipt.received_date", given.received_date(), receivables_.Today(call));
  CheckMethod(v, "receipt.method", given.method());
  CheckText(v, "receipt.payer", given.payer(), 200, Presence::kOptional);
  CheckText(v, "receipt.reference", given.reference(), 100, Presence::kOptional);
  CheckText(v, "receipt.remarks", given.remarks(), 500, Presence::kOptional);
  if (given.instalment_id() < 0) {
    v.Add("receipt.instalment_id", "must be an instalment id, or 0 for the oldest first");
  }
  CRM_RETURN_IF_ERROR(v.ToStatus());
  v1::Receipt receipt;  // only what a caller may set
  receipt.set_contract_id(given.contract_id());
  *receipt.mutable_amount() = Fen(given.amount().minor_units());
  receipt.set_received_date(given.received_date());
  receipt.set_method(given.method());
  receipt.set_payer(TrimText(given.payer()));
  receipt.set_reference(TrimText(given.reference()));
  receipt.set_remarks(TrimText(given.remarks()));
  receipt.set_instalment_id(given.instalment_id());
  CRM_ASSIGN_OR_RETURN(*response, receivables_.RecordReceipt(call, receipt, request.prepayment(),
                                                             request.request_id()));
  return absl::OkStatus();
}

absl::Status ReceivableHandlers::RecordRefund(const CallContext& call,
                                              const v1::RecordRefundRequest& request,
                                              v1::Receipt* response) {
  FieldViolations v;
  CheckRequestId(v, request.request_id());
  CheckId(v, "contract_id", request.contract_id(), "contract");
  CheckAmount(v, "amount", request.amount());
  CheckDay(v, "refund_date", request.refund_date(), receivables_.Today(call));
  CheckMethod(v, "method", request.method());
  CheckText(v, "reference", request.reference(), 100, Presence::kOptional);
  CheckText(v, "reason", request.reason(), 500, Presence::kRequired);
  CRM_RETURN_IF_ERROR(v.ToStatus());
  v1::Receipt refund;
  refund.set_contract_id(request.contract_id());
  *refund.mutable_amount() = Fen(request.amount().minor_units());
  refund.set_received_date(request.refund_date());
  refund.set_method(request.method());
  refund.set_reference(TrimText(request.reference()));
  refund.set_remarks(TrimText(request.reason()));
  CRM_ASSIGN_OR_RETURN(*response, receivables_.RecordRefund(call, refund, request.request_id()));
  return absl::OkStatus();
}

absl::Status ReceivableHandlers::VoidReceipt(const CallContext& call,
                                             const v1::VoidReceiptRequest& request,
                                             v1::Receipt* response) {
  FieldViolations v;
  CheckId(v, "receipt_id", request.receipt_id(), "receipt");
  CheckText(v, "reason", request.reason(), 500, Presence::kRequired);
  CRM_RETURN_IF_ERROR(v.ToStatus());
  CRM_ASSIGN_OR_RETURN(
      *response, receivables_.VoidReceipt(call, request.receipt_id(), TrimText(request.reason())));
  return absl::OkStatus();
}

absl::Status ReceivableHandlers::ListReceipts(const CallContext& call,
                                              const v1::ListReceiptsRequest& request,
                                              v1::ListReceiptsResponse* response) {
  FieldViolations v;
  CheckId(v, "contract_id", request.contract_id(), "contract");
  CRM_ASSIGN_OR_RETURN(PageRequest page, PageRequest::ForRequest(request, "receipts", {}, &v));
  CRM_RETURN_IF_ERROR(v.ToStatus());
  CRM_ASSIGN_OR_RETURN(auto after, (page.After<int64_t>()));
  CRM_ASSIGN_OR_RETURN(Page<v1::Receipt> listed,
                       receivables_.ListReceipts(
                           call, request.contract_id(), page.size(),
                           after ? std::optional<int64_t>(std::get<0>(*after)) : std::nullopt));
  for (v1::Receipt& r : listed.rows) *response->add_receipts() = std::move(r);
  if (listed.has_more) {
    const v1::Receipt& last = response->receipts(response->receipts_size() - 1);
    response->set_next_page_token(page.NextToken(true, {absl::StrCat(last.id())}));
  }
  return absl::OkStatus();
}

absl::Status ReceivableHandlers::CreateInvoice(const CallContext& call,
                                               const v1::CreateInvoiceRequest& request,
                                               v1::Invoice* response) {
  FieldViolations v;
  CheckRequestId(v, request.request_id());
  if (!request.has_invoice()) return InvalidField("invoice", "is required");
  const v1::Invoice& given = request.invoice();
  CheckId(v, "invoice.contract_id", given.contract_id(), "contract");
  if (!LooksLikeInvoiceNumber(given.number())) {
    v.Add("invoice.number", "must be the invoice's number: 1 to 32 letters and digits");
  }
  if (given.type() == v1::INVOICE_TYPE_UNSPECIFIED || !v1::InvoiceType_IsValid(given.type())) {
    v.Add("invoice.type", "must be INVOICE_TYPE_VAT_SPECIAL or INVOICE_TYPE_VAT_GENERAL");
  }
  CheckAmount(v, "invoice.amount", given.amount());
  CheckPrice(v, "invoice.tax", given.tax(), kMaxOrderTotalFen);
  if (given.tax().minor_units() >= given.amount().minor_units() &&
      given.amount().minor_units() > 0) {
    v.Add("invoice.tax", "must be less than the amount, which includes it");
  }
  CheckDay(v, "invoice.invoice_date", given.invoice_date());
  CheckText(v, "invoice.remarks", given.remarks(), 500, Presence::kOptional);
  CRM_RETURN_IF_ERROR(v.ToStatus());
  v1::Invoice invoice;
  invoice.set_contract_id(given.contract_id());
  invoice.set_number(given.number());
  invoice.set_type(given.type());
  *invoice.mutable_amount() = Fen(given.amount().minor_units());
  *invoice.mutable_tax() = Fen(given.tax().minor_units());
  invoice.set_invoice_date(given.invoice_date());
  invoice.set_remarks(TrimText(given.remarks()));
  CRM_ASSIGN_OR_RETURN(*response, receivables_.CreateInvoice(call, invoice, request.request_id()));
  return absl::OkStatus();
}

absl::Status ReceivableHandlers::ListInvoices(const CallContext& call,
                                              const v1::ListInvoicesRequest& request,
                                              v1::ListInvoicesResponse* response) {
  FieldViolations v;
  CheckId(v, "contract_id", request.contract_id(), "contract");
  CRM_ASSIGN_OR_RETURN(PageRequest page, PageRequest::ForRequest(request, "invoices", {}, &v));
  CRM_RETURN_IF_ERROR(v.ToStatus());
  CRM_ASSIGN_OR_RETURN(auto after, (page.After<int64_t>()));
  CRM_ASSIGN_OR_RETURN(Page<v1::Invoice> listed,
                       receivables_.ListInvoices(
                           call, request.contract_id(), page.size(),
                           after ? std::optional<int64_t>(std::get<0>(*after)) : std::nullopt));
  for (v1::Invoice& n : listed.rows) *response->add_invoices() = std::move(n);
  if (listed.has_more) {
    const v1::Invoice& last = response->invoices(response->invoices_size() - 1);
    response->set_next_page_token(page.NextToken(true, {absl::StrCat(last.id())}));
  }
  return absl::OkStatus();
}

absl::Status ReceivableHandlers::ListReceivables(const CallContext& call,
                                                 const v1::ListReceivablesRequest& request,
                                                 v1::ListReceivablesResponse* response) {
  FieldViolations v;
  if (request.grouping() == v1::RECEIVABLES_GROUPING_UNSPECIFIED ||
      !v1::ReceivablesGrouping_IsValid(request.grouping())) {
    v.Add("grouping", "must be CUSTOMER, OWNER or DEPARTMENT");
  }
  CRM_ASSIGN_OR_RETURN(PageRequest page, PageRequest::ForRequest(request, "receivables", {}, &v));
  CRM_RETURN_IF_ERROR(v.ToStatus());
  CRM_ASSIGN_OR_RETURN(auto after, (page.After<int64_t>()));
  response->set_as_of_date(FormatIsoDate(receivables_.Today(call)));
  CRM_ASSIGN_OR_RETURN(Page<v1::ReceivablesRow> listed,
                       receivables_.ListReceivables(
                           call, request.grouping(), page.size(),
                           after ? std::optional<int64_t>(std::get<0>(*after)) : std::nullopt));
  for (v1::ReceivablesRow& row : listed.rows) *response->add_rows() = std::move(row);
  if (listed.has_more) {
    const v1::ReceivablesRow& last = response->rows(response->rows_size() - 1);
    response->set_next_page_token(page.NextToken(true, {absl::StrCat(last.key())}));
  }
  return absl::OkStatus();
}

namespace {

// One page of open instalments due in [from, to], into `response` (a list
// response with instalments and next_page_token).
template <typename Request, typename Response>
absl::Status ListOpen(ReceivableRepository& receivables, const CallContext& call,
                      const Request& request, const char* list, std::optional<absl::CivilDay> from,
                      std::optional<absl::CivilDay> to, int64_t customer_id, FieldViolations& v,
                      Response* response) {
  CRM_ASSIGN_OR_RETURN(PageRequest page, PageRequest::ForRequest(request, list, {}, &v));
  CRM_RETURN_IF_ERROR(v.ToStatus());
  CRM_ASSIGN_OR_RETURN(auto after, (page.After<std::string, int64_t>()));
  CRM_ASSIGN_OR_RETURN(
      Page<v1::InstalmentDue> listed,
      receivables.ListOpenInstalments(call, from, to, customer_id, page.size(), after));
  for (v1::InstalmentDue& due : listed.rows) *response->add_instalments() = std::move(due);
  if (listed.has_more) {
    const v1::Instalment& last =
        response->instalments(response->instalments_size() - 1).instalment();
    response->set_next_page_token(page.NextToken(true, {last.due_date(), absl::StrCat(last.id())}));
  }
  return absl::OkStatus();
}

}  // namespace

absl::Status ReceivableHandlers::ListOverdueInstalments(
    const CallContext& call, const v1::ListOverdueInstalmentsRequest& request,
    v1::ListOverdueInstalmentsResponse* response) {
  FieldViolations v;
  if (request.customer_id() < 0) v.Add("customer_id", "must be a customer id, or 0 for all");
  const absl::CivilDay today = receivables_.Today(call);
  response->set_as_of_date(FormatIsoDate(today));
  // Overdue from the day after the due date.
  return ListOpen(receivables_, call, request, "overdue_instalments", std::nullopt, today - 1,
                  request.customer_id(), v, response);
}

absl::Status ReceivableHandlers::ListInstalmentsDueThisWeek(
    const CallContext& call, const v1::ListInstalmentsDueThisWeekRequest& request,
    v1::ListInstalmentsDueThisWeekResponse* response) {
  FieldViolations v;
  const absl::CivilDay monday = WeekStart(receivables_.Today(call));
  response->set_week_start(FormatIsoDate(monday));
  response->set_week_end(FormatIsoDate(monday + 6));
  return ListOpen(receivables_, call, request, "instalments_due_this_week", monday, monday + 6, 0,
                  v, response);
}

}  // namespace crm::sales
