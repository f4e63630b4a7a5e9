// Request validation on any message a caller can send: the first byte picks
// the message, the rest is its wire form (unparsable bytes never reach a
// handler: gRPC refuses them first). Every check answers OK or
// INVALID_ARGUMENT naming at least one field, and never crashes. Orders are
// also priced and checked against the money rule computed here on its own:
// each line rounded half up once, the order discount spread so the lines add
// up to the total exactly, each line's tax from its amount.
#include <string>
#include <vector>

#include "common/base/status_util.h"
#include "crm/customer/v1/contact.pb.h"
#include "crm/customer/v1/customer.pb.h"
#include "crm/customer/v1/customer_requests.pb.h"
#include "crm/reporting/v1/reports.pb.h"
#include "crm/sales/v1/approval.pb.h"
#include "crm/sales/v1/order.pb.h"
#include "services/customer/contact_validation.h"
#include "services/customer/customer_handlers.h"
#include "services/customer/customer_validation.h"
#include "services/reporting/report_period.h"
#include "services/sales/approval_rules.h"
#include "services/sales/order_lines.h"
#include "tests/fuzz/fuzz_check.h"

namespace crm::fuzz {
namespace {

void CheckAnswer(const absl::Status& status) {
  if (status.ok()) return;
  FUZZ_CHECK(status.code() == absl::StatusCode::kInvalidArgument);
  const auto violations = FieldViolationsOf(status);
  FUZZ_CHECK(!violations.empty());
  for (const auto& [field, description] : violations)
    FUZZ_CHECK(!field.empty() && !description.empty());
}

template <typename Message>
bool Parse(absl::string_view bytes, Message& message) {
  return message.ParseFromArray(bytes.data(), static_cast<int>(bytes.size()));
}

int64_t RoundHalfUp(__int128 numerator, __int128 denominator) {  // both >= 0
  return static_cast<int64_t>((2 * numerator + denominator) / (2 * denominator));
}

void CheckOrderPrice(absl::string_view bytes) {
  sales::v1::Order order;
  if (!Parse(bytes, order)) return;
  const absl::Status priced = sales::PriceOrderLines(order);
  CheckAnswer(priced);
  if (!priced.ok()) return;
  __int128 gross = 0, total = 0, tax = 0;
  for (const sales::v1::OrderLine& line : order.lines()) {
    const int64_t before = line.amount_before_order_discount().minor_units();
    FUZZ_CHECK(before == RoundHalfUp(static_cast<__int128>(line.unit_price().minor_units()) *
                                         line.quantity_milli() * (10000 - line.discount_bp()),
                                     __int128{1000} * 10000));
    const int64_t share = line.order_discount_share().minor_units();
    FUZZ_CHECK(share >= 0 && share <= before);
    FUZZ_CHECK(line.amount().minor_units() == before - share);
    const int rate = line.vat_rate_percent();
    FUZZ_CHECK(line.tax().minor_units() ==
               RoundHalfUp(static_cast<__int128>(line.amount().minor_units()) * rate, 100 + rate));
    gross += before;
    total += line.amount().minor_units();
    tax += line.tax().minor_units();
  }
  FUZZ_CHECK(total == order.total_amount().minor_units());
  FUZZ_CHECK(tax == order.total_tax().minor_units());
  FUZZ_CHECK(total == RoundHalfUp(gross * (10000 - order.order_discount_bp()), 10000));
}

}  // namespace
}  // namespace crm::fuzz

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace crm;
  using namespace crm::fuzz;
  if (size == 0) return 0;
  const absl::string_view bytes = AsText(data + 1, size - 1);
  switch (data[0] % 7) {
    case 0: {
      customer::v1::Customer c;
      if (!Parse(bytes, c)) return 0;
      customer::CreateDefaults defaults;
      defaults.today = "2026-12-07";
      customer::PrepareForCreate(c, defaults);
      CheckAnswer(customer::ValidateCustomer(c, "customer"));
      break;
    }
    case 1: {
      customer::v1::Contact contact;
      if (Parse(bytes, contact)) CheckAnswer(customer::ValidateContact(contact, "contact"));
      break;
    }
    case 2: {
      customer::v1::UpdateCustomerRequest request;
      if (!Parse(bytes, request)) return 0;
      customer::v1::Customer target;
      target.set_name("华东电气有限公司");
      const absl::Status applied =
          customer::ApplyUpdateMask(request.update_mask(), request.customer(), target);
      CheckAnswer(applied);
      if (applied.ok()) CheckAnswer(customer::ValidateCustomer(target, "customer"));
      break;
    }
    case 3: {
      customer::v1::ListCustomersRequest request;
      if (Parse(bytes, request)) CheckAnswer(customer::ValidateListRequest(request));
      break;
    }
    case 4:
      CheckOrderPrice(bytes);
      break;
    case 5: {
      sales::v1::ApprovalRule rule;
      if (Parse(bytes, rule)) CheckAnswer(sales::ValidateApprovalRule(rule));
      break;
    }
    default: {
      reporting::v1::Period period;
      if (Parse(bytes, period)) CheckAnswer(reporting::CheckPeriod(period, "period").status());
    }
  }
  return 0;
}
