// SQL for receivables (回款): payment plans, the receipt ledger and invoices of
// contracts, under the contracts' row-level visibility. Every write locks the
// contract row first: that serialises the money of one contract, and the
// contract's running totals (received, prepaid, invoiced) are written in the
// same transaction as the rows they sum.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <tuple>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "common/db/keyset_page.h"
#include "common/db/visibility.h"
#include "common/rpc/call_context.h"
#include "crm/sales/v1/receivable.pb.h"

namespace crm {
class Database;
class MySqlConnection;
}  // namespace crm

namespace crm::sales {

class ReceivableRepository {
 public:
  // `zone`: the company's, whose days decide what is overdue.
  ReceivableRepository(Database& db, absl::TimeZone zone) : db_(db), zone_(zone) {}

  // Today in the company's zone, by the call's clock.
  absl::CivilDay Today(const CallContext& call) const {
    return absl::ToCivilDay(call.Now(), zone_);
  }

  // Replaces the plan of a SIGNED contract the caller may change with
  // `instalments` (due dates and amounts, validated, in due-date order).
  absl::StatusOr<v1::PaymentPlan> SetPlan(const CallContext& call, int64_t contract_id,
                                          const std::vector<v1::Instalment>& instalments);
  absl::StatusOr<v1::PaymentPlan> GetPlan(const CallContext& call, int64_t contract_id);

  // Money in (`receipt` validated): matched to the plan; past the
  // outstanding amount FAILED_PRECONDITION unless `prepayment`.
  absl::StatusOr<v1::Receipt> RecordReceipt(const CallContext& call, const v1::Receipt& receipt,
                                            bool prepayment, const std::string& request_id);
  // Money out (`refund`: contract_id, amount > 0, date, method, reference,
  // remarks), up to prepaid + received.
  absl::StatusOr<v1::Receipt> RecordRefund(const CallContext& call, const v1::Receipt& refund,
                                           const std::string& request_id);
  // The VOID row reversing RECEIPT `receipt_id`; the existing one when it is
  // already voided.
  absl::StatusOr<v1::Receipt> VoidReceipt(const CallContext& call, int64_t receipt_id,
                                          const std::string& reason);
  absl::StatusOr<Page<v1::Receipt>> ListReceipts(const CallContext& call, int64_t contract_id,
                                                 int page_size, std::optional<int64_t> after_id);

  absl::StatusOr<v1::Invoice> CreateInvoice(const CallContext& call, const v1::Invoice& invoice,
                                            const std::string& request_id);
  absl::StatusOr<Page<v1::Invoice>> ListInvoices(const CallContext& call, int64_t contract_id,
                                                 int page_size, std::optional<int64_t> after_id);

  // Aging (receivable_lists.cc). Rows after key `after_key`, by key.
  absl::StatusOr<Page<v1::ReceivablesRow>> ListReceivables(const CallContext& call,
                                                           v1::ReceivablesGrouping grouping,
                                                           int page_size,
                                                           std::optional<int64_t> after_key);
  // Instalments with money outstanding due in [`from`, `to`] (either open),
  // oldest first, after (due date, id) `after`.
  absl::StatusOr<Page<v1::InstalmentDue>> ListOpenInstalments(
      const CallContext& call, std::optional<absl::CivilDay> from, std::optional<absl::CivilDay> to,
      int64_t customer_id, int page_size,
      const std::optional<std::tuple<std::string, int64_t>>& after);

 private:
  Database& db_;
  absl::TimeZone zone_;
};

// The receipt if its contract is in `scope`; null otherwise (for approvals).
std::unique_ptr<v1::Receipt> LoadReceiptRow(MySqlConnection& connection,
                                            const VisibilityScope& scope, int64_t id);

}  // namespace crm::sales
