// LoadApprovalDocument: each document type's own loader, and its owner
// columns (the department path is not in the documents' messages).
#include "services/sales/approval_documents.h"

#include <cppconn/prepared_statement.h>
#include <cppconn/resultset.h>

#include <memory>

#include "absl/strings/str_cat.h"
#include "common/db/mysql_pool.h"
#include "services/sales/contract_repository.h"
#include "services/sales/order_repository.h"
#include "services/sales/quote_repository.h"
#include "services/sales/receivable_repository.h"

namespace crm::sales {
namespace {

// Owner columns of row `id` of `table` (a constant).
void FillOwner(MySqlConnection& c, const char* table, int64_t id, ApprovalDocument& doc) {
  sql::PreparedStatement& stmt = c.Prepare(absl::StrCat(
      "SELECT owner_id, owner_department_id, owner_department_path FROM ", table, " WHERE id = ?"));
  stmt.setInt64(1, id);
  std::unique_ptr<sql::ResultSet> rs(stmt.executeQuery());
  if (!rs->next()) return;
  doc.owner_id = rs->getInt64(1);
  doc.owner_department_id = rs->getInt64(2);
  doc.owner_department_path = rs->getString(3);
}

std::string NotDraft(const char* noun, const std::string& number, const std::string& status) {
  return absl::StrCat(noun, " ", number, " is ", status,
                      ": only drafts are submitted for approval");
}

}  // namespace

const char* DocumentNoun(v1::ApprovalDocumentType type) {
  switch (type) {
    case v1::APPROVAL_DOCUMENT_ORDER:
      return "order";
    case v1::APPROVAL_DOCUMENT_QUOTE:
      return "quote";
    case v1::APPROVAL_DOCUMENT_CONTRACT:
      return "contract";
    case v1::APPROVAL_DOCUMENT_RECEIPT_VOID:
      return "receipt";
    default:
      return "document";
  }
}

std::optional<ApprovalDocument> LoadApprovalDocument(MySqlConnection& c,
                                                     v1::ApprovalDocumentType type,
                                                     const VisibilityScope& scope, int64_t id,
                                                     bool for_update) {
  ApprovalDocument doc;
  doc.type = type;
  doc.id = id;
  switch (type) {
    case v1::APPROVAL_DOCUMENT_ORDER: {
      std::unique_ptr<v1::Order> order =
          for_update ? LockOrder(c, scope, id) : LoadOrderRow(c, scope, id);
      if (!order) return std::nullopt;
      doc.number = order->number();
      doc.facts = OrderFacts(*order);
      if (order->status() != v1::DRAFT) {
        doc.not_submittable =
            NotDraft("order", order->number(), v1::OrderStatus_Name(order->status()));
      }
      FillOwner(c, "orders", id, doc);
      return doc;
    }
    case v1::APPROVAL_DOCUMENT_QUOTE: {
      std::unique_ptr<v1::Quote> quote = LoadQuoteRow(c, scope, id, for_update);
      if (!quote) return std::nullopt;
      doc.number = quote->number();
      doc.facts = LineFacts(quote->lines(), quote->total_amount().minor_units());
      if (quote->status() != v1::QUOTE_STATUS_DRAFT) {
        doc.not_submittable =
            NotDraft("quote", quote->number(), v1::QuoteStatus_Name(quote->status()));
      }
      FillOwner(c, "quotes", id, doc);
      return doc;
    }
    case v1::APPROVAL_DOCUMENT_CONTRACT: {
      std::unique_ptr<v1::Contract> contract = LoadContractRow(c, scope, id, for_update);
      if (!contract) return std::nullopt;
      doc.number = contract->number();
      doc.facts = AmountFacts(contract->amount().minor_units());
      if (contract->status() != v1::CONTRACT_STATUS_DRAFT) {
        doc.not_submittable =
            NotDraft("contract", contract->number(), v1::ContractStatus_Name(contract->status()));
      }
      FillOwner(c, "contracts", id, doc);
      return doc;
    }
    case v1::APPROVAL_DOCUMENT_RECEIPT_VOID: {
      std::unique_ptr<v1::Receipt> receipt = LoadReceiptRow(c, scope, id);
      if (!receipt) return std::nullopt;
      doc.number = absl::StrCat("receipt ", id);
      doc.facts = AmountFacts(receipt->amount().minor_units());
      if (receipt->kind() != v1::RECEIPT_KIND_RECEIPT) {
        doc.not_submittable =
            absl::StrCat("receipt ", id, " is a refund or a void: only receipts are voided");
      } else if (receipt->voided_by_receipt_id() != 0) {
        doc.not_submittable = absl::StrCat("receipt ", id, " is already voided");
      }
      FillOwner(c, "contracts", receipt->contract_id(), doc);
      return doc;
    }
    default:
      return std::nullopt;
  }
}

}  // namespace crm::sales
