// ContractHandlers: the contract field rules and the status machine.
#include "services/sales/contract_handlers.h"

#include <optional>
#include <string>
#include <tuple>

#include "absl/strings/str_cat.h"
#include "common/base/dates.h"
#include "common/base/status_util.h"
#include "common/db/record_helpers.h"
#include "common/rpc/paging.h"
#include "common/rpc/update_mask.h"
#include "common/text/text_checks.h"
#include "services/sales/approval_repository.h"
#include "services/sales/money.h"
#include "services/sales/order_pricing.h"

namespace crm::sales {
namespace {

using v1::Contract;

const MaskFields<Contract>& MutableFields() {
  static const auto* fields = new MaskFields<Contract>{
      {"title", TextField(&Contract::title, &Contract::mutable_title)},
      {"amount", MessageField(&Contract::has_amount, &Contract::amount, &Contract::mutable_amount)},
      {"start_date", VerbatimTextField(&Contract::start_date, &Contract::mutable_start_date)},
      {"end_date", VerbatimTextField(&Contract::end_date, &Contract::mutable_end_date)},
      {"remarks", TextField(&Contract::remarks, &Contract::mutable_remarks)},
  };
  return *fields;
}

// Everything that can be checked without the database. A contract of an
// order takes its customer and amount from the order, so they are not
// checked here. Normalises the amount.
absl::Status ValidateContract(Contract& k) {
  FieldViolations v;
  if (k.order_id() < 0) v.Add("contract.order_id", "must be an order id, or 0 for none");
  if (k.order_id() == 0) {
    if (k.customer_id() <= 0) v.Add("contract.customer_id", "must be a positive customer id");
    CheckPrice(v, "contract.amount", k.amount(), kMaxOrderTotalFen);
    if (k.amount().minor_units() == 0) v.Add("contract.amount.minor_units", "must be above 0");
    *k.mutable_amount() = Fen(k.amount().minor_units());
  }
  CheckText(v, "contract.title", k.title(), 200, Presence::kRequired);
  std::optional<absl::CivilDay> start, end;
  for (auto [field, text, day] : {std::make_tuple("contract.start_date", &k.start_date(), &start),
                                  std::make_tuple("contract.end_date", &k.end_date(), &end)}) {
    if (text->empty()) continue;
    absl::StatusOr<absl::CivilDay> parsed = ParseIsoDate(*text);
    if (parsed.ok()) {
      *day = *parsed;
    } else {
      v.Add(field, "must be a date, YYYY-MM-DD");
    }
  }
  if (start && end && *end < *start) v.Add("contract.end_date", "must not be before start_date");
  CheckText(v, "contract.remarks", k.remarks(), 2000, Presence::kOptional, /*multiline=*/true);
  return v.ToStatus();
}

absl::Status CheckContractId(int64_t id, const char* field) {
  return id > 0 ? absl::OkStatus() : InvalidField(field, "must be a positive contract id");
}

absl::Status WrongStatus(const Contract& k, absl::string_view step, absl::string_view allowed) {
  return WithErrorInfo(absl::FailedPreconditionError(absl::StrCat(
                           "contract ", k.number(), " is ", v1::ContractStatus_Name(k.status()),
                           ": only ", allowed, " contracts can be ", step)),
                       "STATUS_STEP_NOT_ALLOWED", {{"status", v1::ContractStatus_Name(k.status())}},
                       absl::StrCat("contract/", k.id()));
}

}  // namespace

absl::Status ContractHandlers::CreateContract(const CallContext& call,
                                              const v1::CreateContractRequest& request,
                                              Contract* response) {
  CRM_RETURN_IF_ERROR(ValidateRequestId(request.request_id()));
  if (!request.has_contract()) return InvalidField("contract", "is required");
  Contract contract;  // only what a caller may set
  contract.set_order_id(request.contract().order_id());
  if (contract.order_id() == 0) contract.set_customer_id(request.contract().customer_id());
  for (const auto& [path, field] : MutableFields()) field.copy(request.contract(), contract);
  if (contract.order_id() != 0) contract.clear_amount();  // the order's total
  CRM_RETURN_IF_ERROR(ValidateContract(contract));
  // A contract of an order is for the order's customer, checked when the
  // order was made.
  if (contract.order_id() == 0) {
    CRM_RETURN_IF_ERROR(check_customer_(call, contract.customer_id(), 0));
  }
  CRM_ASSIGN_OR_RETURN(*response, contracts_.Create(call, contract, request.request_id()));
  return absl::OkStatus();
}

absl::Status ContractHandlers::GetContract(const CallContext& call,
                                           const v1::GetContractRequest& request,
                                           Contract* response) {
  CRM_RETURN_IF_ERROR(CheckContractId(request.id(), "id"));
  CRM_ASSIGN_OR_RETURN(*response, contracts_.Get(call, request.id()));
  return absl::OkStatus();
}

absl::Status ContractHandlers::UpdateContract(const CallContext& call,
                                              const v1::UpdateContractRequest& request,
                                              Contract* response) {
  const Contract& patch = request.contract();
  CRM_RETURN_IF_ERROR(CheckContractId(patch.id(), "contract.id"));
  CRM_RETURN_IF_ERROR(RequireEtag(patch.etag(), "contract.etag"));
  Contract scratch;  // the mask checked before the database is touched
  CRM_RETURN_IF_ERROR(ApplyMask(request.update_mask(), MutableFields(), patch, scratch));
  auto change = [&](MySqlConnection& c, Contract& stored) -> absl::Status {
    if (stored.status() != v1::CONTRACT_STATUS_DRAFT) {
      return WrongStatus(stored, "edited", "DRAFT");
    }
    const common::v1::Money amount = stored.amount();
    CRM_RETURN_IF_ERROR(ApplyMask(request.update_mask(), MutableFields(), patch, stored));
    if (stored.order_id() != 0 && stored.amount().minor_units() != amount.minor_units()) {
      return InvalidField("contract.amount", "is the order's total for a contract of an order");
    }
    CRM_RETURN_IF_ERROR(ValidateContract(stored));
    WithdrawStaleApproval(c, v1::APPROVAL_DOCUMENT_CONTRACT, stored.id(),
                          AmountFacts(stored.amount().minor_units()).Key(), call.Now());
    return absl::OkStatus();
  };
  CRM_ASSIGN_OR_RETURN(*response, contracts_.Update(call, patch.id(), patch.etag(), change));
  return absl::OkStatus();
}

absl::Status ContractHandlers::ListContracts(const CallContext& call,
                                             const v1::ListContractsRequest& request,
                                             v1::ListContractsResponse* response) {
  FieldViolations v;
  if (request.customer_id() < 0) v.Add("customer_id", "must be a customer id, or 0 for all");
  if (!v1::ContractStatus_IsValid(request.status())) v.Add("status", "is not a contract status");
  CRM_ASSIGN_OR_RETURN(PageRequest page, PageRequest::ForRequest(request, "contracts", {}, &v));
  CRM_ASSIGN_OR_RETURN(auto before, (page.After<int64_t>()));
  CRM_ASSIGN_OR_RETURN(
      Page<Contract> listed,
      contracts_.List(call, request.customer_id(), request.status(), page.size(),
                      before ? std::optional<int64_t>(std::get<0>(*before)) : std::nullopt));
  for (Contract& k : listed.rows) *response->add_contracts() = std::move(k);
  response->set_total_size(listed.total_size);
  if (listed.has_more) {
    const Contract& last = response->contracts(response->contracts_size() - 1);
    response->set_next_page_token(page.NextToken(listed.has_more, {absl::StrCat(last.id())}));
  }
  return absl::OkStatus();
}

absl::Status ContractHandlers::SignContract(const CallContext& call,
                                            const v1::SignContractRequest& request,
                                            Contract* response) {
  CRM_RETURN_IF_ERROR(CheckContractId(request.id(), "id"));
  if (!request.sign_date().empty() && !ParseIsoDate(request.sign_date()).ok()) {
    return InvalidField("sign_date", "must be a date, YYYY-MM-DD");
  }
  const std::string sign_date = request.sign_date().empty()
                                    ? FormatIsoDate(absl::ToCivilDay(call.Now(), contracts_.zone()))
                                    : request.sign_date();
  auto change = [&](MySqlConnection& c, Contract& k) -> absl::Status {
    if (k.status() != v1::CONTRACT_STATUS_DRAFT) return WrongStatus(k, "signed", "DRAFT");
    if (k.start_date().empty() || k.end_date().empty()) {
      return absl::FailedPreconditionError(
          absl::StrCat("contract ", k.number(), " needs its start and end dates to be signed"));
    }
    CRM_RETURN_IF_ERROR(CheckApproved(c, v1::APPROVAL_DOCUMENT_CONTRACT, k.id(),
                                      absl::StrCat("contract ", k.number()),
                                      AmountFacts(k.amount().minor_units())));
    k.set_status(v1::CONTRACT_STATUS_SIGNED);
    k.set_sign_date(sign_date);
    return absl::OkStatus();
  };
  CRM_ASSIGN_OR_RETURN(*response, contracts_.Update(call, request.id(), request.etag(), change));
  return absl::OkStatus();
}

absl::Status ContractHandlers::CloseContract(const CallContext& call,
                                             const v1::CloseContractRequest& request,
                                             Contract* response) {
  CRM_RETURN_IF_ERROR(CheckContractId(request.id(), "id"));
  const std::string reason = TrimText(request.reason());
  FieldViolations v;
  if (request.status() != v1::CONTRACT_STATUS_COMPLETED &&
      request.status() != v1::CONTRACT_STATUS_TERMINATED) {
    v.Add("status", "must be CONTRACT_STATUS_COMPLETED or CONTRACT_STATUS_TERMINATED");
  }
  CheckText(v, "reason", reason, 500,
            request.status() == v1::CONTRACT_STATUS_TERMINATED ? Presence::kRequired
                                                               : Presence::kOptional);
  CRM_RETURN_IF_ERROR(v.ToStatus());
  auto change = [&](MySqlConnection&, Contract& k) -> absl::Status {
    if (k.status() != v1::CONTRACT_STATUS_SIGNED) return WrongStatus(k, "closed", "SIGNED");
    k.set_status(request.status());
    k.set_end_reason(reason);
    return absl::OkStatus();
  };
  CRM_ASSIGN_OR_RETURN(*response, contracts_.Update(call, request.id(), request.etag(), change));
  return absl::OkStatus();
}

}  // namespace crm::sales
