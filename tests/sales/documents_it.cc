// Quotes and contracts (R16) against a real MariaDB: a quote priced by the
// order rule becomes an order once (retries included), a contract takes its
// order's customer and total, each document type numbers its own days, and
// every step the status machines do not allow changes nothing.
#include "absl/strings/match.h"
#include "common/feed/change_log.h"
#include "crm/common/v1/changes.pb.h"
#include "tests/sales/sales_fixture.h"

namespace crm::sales {
namespace {

class DocumentsTest : public SalesTest {
 protected:
  static v1::Quote QuoteOf(int64_t customer_id,
                           const std::vector<std::pair<int64_t, int64_t>>& product_quantities) {
    v1::Quote quote;
    quote.set_customer_id(customer_id);
    *quote.mutable_lines() = OrderOf(customer_id, product_quantities).lines();
    return quote;
  }

  absl::StatusOr<v1::Quote> CreateQuote(const CallContext& call, const v1::Quote& quote,
                                        const std::string& request_id = "") {
    v1::CreateQuoteRequest request;
    *request.mutable_quote() = quote;
    request.set_request_id(request_id);
    v1::Quote created;
    CRM_RETURN_IF_ERROR(quote_handlers_->CreateQuote(call, request, &created));
    return created;
  }

  absl::StatusOr<v1::Quote> GetQuote(const CallContext& call, int64_t id) {
    v1::GetQuoteRequest request;
    request.set_id(id);
    v1::Quote quote;
    CRM_RETURN_IF_ERROR(quote_handlers_->GetQuote(call, request, &quote));
    return quote;
  }

  absl::StatusOr<v1::Order> Convert(const CallContext& call, int64_t quote_id,
                                    const std::string& request_id = "") {
    v1::ConvertQuoteToOrderRequest request;
    request.set_id(quote_id);
    request.set_request_id(request_id);
    request.set_delivery_date("2026-12-20");
    v1::Order order;
    CRM_RETURN_IF_ERROR(quote_handlers_->ConvertQuoteToOrder(call, request, &order));
    return order;
  }

  absl::StatusOr<v1::Quote> Send(const CallContext& call, int64_t id) {
    v1::SendQuoteRequest request;
    request.set_id(id);
    v1::Quote quote;
    CRM_RETURN_IF_ERROR(quote_handlers_->SendQuote(call, request, &quote));
    return quote;
  }

  absl::StatusOr<v1::Quote> Reject(const CallContext& call, int64_t id, const std::string& why) {
    v1::RejectQuoteRequest request;
    request.set_id(id);
    request.set_reason(why);
    v1::Quote quote;
    CRM_RETURN_IF_ERROR(quote_handlers_->RejectQuote(call, request, &quote));
    return quote;
  }

  absl::StatusOr<v1::Contract> CreateContract(const CallContext& call, const v1::Contract& contract,
                                              const std::string& request_id = "") {
    v1::CreateContractRequest request;
    *request.mutable_contract() = contract;
    request.set_request_id(request_id);
    v1::Contract created;
    CRM_RETURN_IF_ERROR(contract_handlers_->CreateContract(call, request, &created));
    return created;
  }

  absl::StatusOr<v1::Contract> UpdateContract(const CallContext& call, const v1::Contract& patch,
                                              std::vector<std::string> paths) {
    v1::UpdateContractRequest request;
    *request.mutable_contract() = patch;
    // An update names the version it changes: the one read now unless the
    // test says which ("0": none can be read).
    if (patch.etag().empty()) {
      v1::GetContractRequest get;
      get.set_id(patch.id());
      v1::Contract current;
      request.mutable_contract()->set_etag(
          contract_handlers_->GetContract(call, get, &current).ok() ? current.etag() : "0");
    }
    for (const std::string& path : paths) request.mutable_update_mask()->add_paths(path);
    v1::Contract updated;
    CRM_RETURN_IF_ERROR(contract_handlers_->UpdateContract(call, request, &updated));
    return updated;
  }

  absl::StatusOr<v1::Contract> Sign(const CallContext& call, int64_t id) {
    v1::SignContractRequest request;
    request.set_id(id);
    v1::Contract contract;
    CRM_RETURN_IF_ERROR(contract_handlers_->SignContract(call, request, &contract));
    return contract;
  }

  absl::StatusOr<v1::Contract> Close(const CallContext& call, int64_t id, v1::ContractStatus status,
                                     const std::string& reason) {
    v1::CloseContractRequest request;
    request.set_id(id);
    request.set_status(status);
    request.set_reason(reason);
    v1::Contract contract;
    CRM_RETURN_IF_ERROR(contract_handlers_->CloseContract(call, request, &contract));
    return contract;
  }

  int64_t Changes() { return Count("SELECT COUNT(*) FROM change_log"); }
};

TEST_F(DocumentsTest, AQuoteIsPricedLikeAnOrderAndBecomesOneOnce) {
  const v1::Product p = AddProduct("断路器", 3333, 0, 13);
  v1::Quote quote = QuoteOf(500, {{p.id(), 1000}, {p.id(), 1000}, {p.id(), 1000}});
  quote.set_order_discount_bp(1000);
  absl::StatusOr<v1::Quote> created = CreateQuote(sales_a_, quote, "q-1");
  ASSERT_TRUE(created.ok()) << created.status();
  EXPECT_EQ(created->number(), "QT20261205-0001");
  EXPECT_EQ(created->status(), v1::QUOTE_STATUS_DRAFT);
  EXPECT_EQ(created->total_amount().minor_units(), 8999);  // three 33.33 元 lines, 10% off
  EXPECT_EQ(created->lines(0).product_name(), "断路器");
  EXPECT_EQ(created->quote_date(), "2026-12-05");
  EXPECT_EQ(created->valid_until(), "2027-01-04");  // 30 days on
  absl::StatusOr<v1::Quote> retry = CreateQuote(sales_a_, quote, "q-1");
  ASSERT_TRUE(retry.ok());
  EXPECT_EQ(retry->id(), created->id());

  ASSERT_TRUE(Send(sales_a_, created->id()).ok());
  absl::StatusOr<v1::Order> order = Convert(sales_a_, created->id(), "convert-1");
  ASSERT_TRUE(order.ok()) << order.status();
  EXPECT_EQ(order->number(), "SO20261205-0001");
  EXPECT_EQ(order->status(), v1::DRAFT);
  EXPECT_EQ(order->quote_id(), created->id());
  EXPECT_EQ(order->customer_id(), 500);
  EXPECT_EQ(order->delivery_date(), "2026-12-20");
  EXPECT_EQ(order->total_amount().minor_units(), created->total_amount().minor_units());
  EXPECT_EQ(order->total_tax().minor_units(), created->total_tax().minor_units());
  ASSERT_EQ(order->lines_size(), 3);
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(order->lines(i).amount().minor_units(), created->lines(i).amount().minor_units());
    EXPECT_EQ(order->lines(i).unit_price().minor_units(), 3333);
  }
  absl::StatusOr<v1::Quote> accepted = GetQuote(sales_a_, created->id());
  ASSERT_TRUE(accepted.ok());
  EXPECT_EQ(accepted->status(), v1::QUOTE_STATUS_ACCEPTED);
  EXPECT_EQ(accepted->order_id(), order->id());

  // A retry returns the same order; another conversion is refused.
  absl::StatusOr<v1::Order> again = Convert(sales_a_, created->id(), "convert-1");
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_EQ(again->id(), order->id());
  const int64_t changes = Changes();
  EXPECT_EQ(Convert(sales_a_, created->id(), "convert-2").status().code(),
            absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM orders"), 1);
  EXPECT_EQ(Changes(), changes);

  // The quote's change row says what the conversion changed.
  common::v1::ListChangesRequest request;
  request.set_page_size(100);
  common::v1::ListChangesResponse feed;
  ASSERT_TRUE(ListChanges(*db_, sales_a_, request, &feed).ok());
  bool seen = false;
  for (const common::v1::Change& change : feed.changes()) {
    v1::Quote before, after;
    if (!change.state().UnpackTo(&after) || after.status() != v1::QUOTE_STATUS_ACCEPTED) continue;
    seen = true;
    EXPECT_EQ(
        std::vector<std::string>(change.changed_fields().begin(), change.changed_fields().end()),
        (std::vector<std::string>{"status", "order_id"}));
    ASSERT_TRUE(change.previous_state().UnpackTo(&before));
    EXPECT_EQ(before.status(), v1::QUOTE_STATUS_SENT);
    EXPECT_EQ(after.etag(), accepted->etag());
    EXPECT_EQ(after.SerializeAsString(), accepted->SerializeAsString());
  }
  EXPECT_TRUE(seen);
}

TEST_F(DocumentsTest, QuoteStepsOutOfOrderAndExpiredQuotesChangeNothing) {
  const v1::Product p = AddProduct("配电柜", 10000, 0);
  absl::StatusOr<v1::Quote> quote = CreateQuote(sales_a_, QuoteOf(500, {{p.id(), 2000}}));
  ASSERT_TRUE(quote.ok()) << quote.status();
  const int64_t changes = Changes();
  // Rejecting a draft, and rejecting without a reason.
  EXPECT_EQ(Reject(sales_a_, quote->id(), "太贵").status().code(),
            absl::StatusCode::kFailedPrecondition);
  ASSERT_TRUE(Send(sales_a_, quote->id()).ok());
  EXPECT_EQ(Send(sales_a_, quote->id()).status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(Reject(sales_a_, quote->id(), "  ").status().code(),
            absl::StatusCode::kInvalidArgument);
  // A sent quote is no longer edited.
  v1::UpdateQuoteRequest edit;
  edit.mutable_quote()->set_id(quote->id());
  edit.mutable_quote()->set_etag(GetQuote(sales_a_, quote->id())->etag());
  edit.mutable_quote()->set_remarks("改价");
  v1::Quote edited;
  EXPECT_EQ(quote_handlers_->UpdateQuote(sales_a_, edit, &edited).code(),
            absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(Changes(), changes + 1);  // the send only

  // Past valid_until (in the company's days) it cannot become an order.
  clock_.Set(absl::FromCivil(absl::CivilSecond(2027, 1, 5, 0, 30, 0), Zone()));
  absl::StatusOr<v1::Order> late = Convert(sales_a_, quote->id());
  EXPECT_EQ(late.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_TRUE(absl::StrContains(late.status().message(), "expired")) << late.status();
  EXPECT_EQ(Count("SELECT COUNT(*) FROM orders"), 0);
  absl::StatusOr<v1::Quote> rejected = Reject(sales_a_, quote->id(), "客户选了别家");
  ASSERT_TRUE(rejected.ok());
  EXPECT_EQ(rejected->status(), v1::QUOTE_STATUS_REJECTED);
  EXPECT_EQ(rejected->reject_reason(), "客户选了别家");
  EXPECT_EQ(Convert(sales_a_, quote->id()).status().code(), absl::StatusCode::kFailedPrecondition);
}

TEST_F(DocumentsTest, QuotesAreValidatedAndSeenOnlyInScope) {
  const v1::Product p = AddProduct("配电柜", 10000, 0);
  v1::Quote bad = QuoteOf(0, {{p.id(), 0}});
  bad.set_valid_until("2026-12-01");
  bad.set_quote_date("2026-12-05");
  bad.set_order_discount_bp(10001);
  absl::StatusOr<v1::Quote> refused = CreateQuote(sales_a_, bad);
  ASSERT_EQ(refused.status().code(), absl::StatusCode::kInvalidArgument);
  for (const char* field : {"quote.customer_id", "quote.lines[0].quantity_milli",
                            "quote.order_discount_bp", "quote.valid_until"}) {
    EXPECT_TRUE(absl::StrContains(refused.status().message(), field)) << field;
  }
  EXPECT_EQ(CreateQuote(sales_a_, QuoteOf(999, {{p.id(), 1000}})).status().code(),
            absl::StatusCode::kNotFound);
  absl::StatusOr<v1::Quote> mine = CreateQuote(sales_a_, QuoteOf(500, {{p.id(), 1000}}));
  ASSERT_TRUE(mine.ok());
  EXPECT_EQ(GetQuote(sales_elsewhere_, mine->id()).status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(Convert(sales_elsewhere_, mine->id()).status().code(), absl::StatusCode::kNotFound);
  EXPECT_TRUE(GetQuote(head_, mine->id()).ok());
  EXPECT_EQ(Count("SELECT COUNT(*) FROM quotes"), 1);
}

TEST_F(DocumentsTest, AContractTakesItsOrdersCustomerAndTotalOnce) {
  const v1::Product p = AddProduct("配电柜", 12345, 10000);
  absl::StatusOr<v1::Order> order = Create(sales_a_, OrderOf(501, {{p.id(), 3000}}));
  ASSERT_TRUE(order.ok());
  v1::Contract contract;
  contract.set_order_id(order->id());
  contract.set_title("配电柜采购合同");
  contract.set_customer_id(999);                  // the order's customer wins
  contract.mutable_amount()->set_minor_units(1);  // the order's total wins
  // A draft order cannot have a contract yet.
  EXPECT_EQ(CreateContract(sales_a_, contract).status().code(),
            absl::StatusCode::kFailedPrecondition);
  ASSERT_TRUE(Confirm(sales_a_, order->id()).ok());
  absl::StatusOr<v1::Contract> created = CreateContract(sales_a_, contract, "c-1");
  ASSERT_TRUE(created.ok()) << created.status();
  EXPECT_EQ(created->number(), "CT20261205-0001");
  EXPECT_EQ(created->customer_id(), 501);
  EXPECT_EQ(created->amount().minor_units(), 37035);
  EXPECT_EQ(created->status(), v1::CONTRACT_STATUS_DRAFT);
  // The retry returns it; a second contract for the order is refused.
  absl::StatusOr<v1::Contract> retry = CreateContract(sales_a_, contract, "c-1");
  ASSERT_TRUE(retry.ok()) << retry.status();
  EXPECT_EQ(retry->id(), created->id());
  EXPECT_EQ(CreateContract(sales_a_, contract, "c-2").status().code(),
            absl::StatusCode::kAlreadyExists);
  // Someone who cannot change the order cannot make its contract.
  EXPECT_EQ(CreateContract(sales_b_, contract).status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM contracts"), 1);

  // The amount of an order's contract is the order's.
  v1::Contract patch;
  patch.set_id(created->id());
  patch.mutable_amount()->set_minor_units(100);
  EXPECT_EQ(UpdateContract(sales_a_, patch, {"amount"}).status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST_F(DocumentsTest, ContractStepsNeedTheirTermsAndHappenInOrder) {
  v1::Contract contract;
  contract.set_customer_id(500);
  contract.set_title("年度维保合同");
  contract.mutable_amount()->set_minor_units(5'000'000);
  absl::StatusOr<v1::Contract> created = CreateContract(sales_a_, contract);
  ASSERT_TRUE(created.ok()) << created.status();
  EXPECT_EQ(created->order_id(), 0);
  const int64_t changes = Changes();
  // No term yet: it cannot be signed; closing a draft is refused too.
  EXPECT_EQ(Sign(sales_a_, created->id()).status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(Close(sales_a_, created->id(), v1::CONTRACT_STATUS_COMPLETED, "").status().code(),
            absl::StatusCode::kFailedPrecondition);
  v1::Contract term;
  term.set_id(created->id());
  term.set_start_date("2027-01-01");
  term.set_end_date("2026-12-31");
  EXPECT_EQ(UpdateContract(sales_a_, term, {}).status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(Changes(), changes);
  term.set_end_date("2027-12-31");
  ASSERT_TRUE(UpdateContract(sales_a_, term, {}).ok());
  absl::StatusOr<v1::Contract> signed_contract = Sign(sales_a_, created->id());
  ASSERT_TRUE(signed_contract.ok()) << signed_contract.status();
  EXPECT_EQ(signed_contract->status(), v1::CONTRACT_STATUS_SIGNED);
  EXPECT_EQ(signed_contract->sign_date(), "2026-12-05");
  // Signed: its terms are fixed.
  term.set_end_date("2028-12-31");
  EXPECT_EQ(UpdateContract(sales_a_, term, {}).status().code(),
            absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(Close(sales_a_, created->id(), v1::CONTRACT_STATUS_TERMINATED, "").status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(Close(sales_a_, created->id(), v1::CONTRACT_STATUS_SIGNED, "x").status().code(),
            absl::StatusCode::kInvalidArgument);
  absl::StatusOr<v1::Contract> ended =
      Close(sales_a_, created->id(), v1::CONTRACT_STATUS_TERMINATED, "客户破产");
  ASSERT_TRUE(ended.ok());
  EXPECT_EQ(ended->status(), v1::CONTRACT_STATUS_TERMINATED);
  EXPECT_EQ(ended->end_reason(), "客户破产");
  EXPECT_EQ(Close(sales_a_, created->id(), v1::CONTRACT_STATUS_COMPLETED, "").status().code(),
            absl::StatusCode::kFailedPrecondition);

  // A contract on its own needs a customer the caller sees and an amount.
  v1::Contract bad;
  bad.set_customer_id(999);
  bad.set_title("x");
  bad.mutable_amount()->set_minor_units(100);
  EXPECT_EQ(CreateContract(sales_a_, bad).status().code(), absl::StatusCode::kNotFound);
  bad.set_customer_id(500);
  bad.clear_amount();
  absl::StatusOr<v1::Contract> no_amount = CreateContract(sales_a_, bad);
  EXPECT_EQ(no_amount.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(absl::StrContains(no_amount.status().message(), "contract.amount"));
}

TEST_F(DocumentsTest, EachDocumentTypeNumbersItsOwnDays) {
  const v1::Product p = AddProduct("配电柜", 100, 0);
  for (int i = 1; i <= 3; ++i) {
    absl::StatusOr<v1::Quote> quote = CreateQuote(sales_a_, QuoteOf(500, {{p.id(), 1000}}));
    ASSERT_TRUE(quote.ok());
    EXPECT_EQ(quote->number(), absl::StrCat("QT20261205-000", i));
  }
  absl::StatusOr<v1::Order> order = Create(sales_a_, OrderOf(500, {{p.id(), 1000}}));
  ASSERT_TRUE(order.ok());
  EXPECT_EQ(order->number(), "SO20261205-0001");
}

TEST_F(DocumentsTest, InvoicedAndRemindersStayEditableAfterConfirmation) {
  const v1::Product p = AddProduct("配电柜", 10000, 10000);
  absl::StatusOr<v1::Order> order = Create(sales_a_, OrderOf(500, {{p.id(), 1000}}));
  ASSERT_TRUE(order.ok());
  absl::StatusOr<v1::Order> confirmed = Confirm(sales_a_, order->id());
  ASSERT_TRUE(confirmed.ok());
  v1::UpdateOrderRequest request;
  request.mutable_order()->set_id(order->id());
  request.mutable_order()->set_etag(confirmed->etag());
  request.mutable_order()->set_invoiced(true);
  request.mutable_order()->set_reminder_date("2026-12-10");
  v1::Order updated;
  ASSERT_TRUE(order_handlers_->UpdateOrder(sales_a_, request, &updated).ok());
  EXPECT_TRUE(updated.invoiced());
  EXPECT_EQ(updated.reminder_date(), "2026-12-10");
  request.mutable_order()->set_etag(updated.etag());
  // Its terms are not editable any more.
  request.mutable_order()->set_order_discount_bp(500);
  EXPECT_EQ(order_handlers_->UpdateOrder(sales_a_, request, &updated).code(),
            absl::StatusCode::kFailedPrecondition);

  v1::ListMyRemindersRequest reminders_request;
  reminders_request.set_from_date("2026-12-01");
  reminders_request.set_to_date("2026-12-31");
  v1::ListMyRemindersResponse reminders;
  ASSERT_TRUE(
      contact_record_handlers_->ListMyReminders(sales_a_, reminders_request, &reminders).ok());
  bool seen = false;
  for (const v1::Reminder& r : reminders.reminders()) {
    if (r.kind() == v1::Reminder::ORDER_REMINDER) {
      seen = true;
      EXPECT_EQ(r.record_id(), order->id());
      EXPECT_EQ(r.date(), "2026-12-10");
      EXPECT_EQ(r.text(), order->number());
    }
  }
  EXPECT_TRUE(seen);
}

}  // namespace
}  // namespace crm::sales
