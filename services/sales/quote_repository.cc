// QuoteRepository: prepared statements over quotes and quote_lines; the
// conversion into an order rides on OrderRepository::Create.
#include "services/sales/quote_repository.h"

#include <cppconn/prepared_statement.h>
#include <cppconn/resultset.h>

#include <map>
#include <memory>
#include <vector>

#include "absl/strings/str_cat.h"
#include "common/base/dates.h"
#include "common/base/status_util.h"
#include "common/db/database.h"
#include "common/db/record_helpers.h"
#include "common/db/sql_time.h"
#include "common/db/sql_where.h"
#include "common/db/visibility.h"
#include "common/feed/change_log.h"
#include "common/feed/owner_departments.h"
#include "common/feed/versioned_rows.h"
#include "services/sales/document_lines.h"
#include "services/sales/document_numbers.h"
#include "services/sales/money.h"
#include "services/sales/opportunity_repository.h"
#include "services/sales/order_lines.h"
#include "services/sales/product_repository.h"

namespace crm::sales {
namespace {

using v1::Quote;

constexpr char kQuoteSelect[] =
    "SELECT q.id, q.number, q.customer_id, q.contact_id, q.opportunity_id, q.status,"
    " q.order_discount_bp, q.total_amount_fen, q.total_tax_fen, q.quote_date, q.valid_until,"
    " q.remarks, q.order_id, q.reject_reason, q.owner_id, q.owner_department_id, q.version,"
    " q.created_at, q.updated_at FROM quotes q";

Quote ReadQuote(sql::ResultSet& rs) {
  Quote q;
  q.set_id(rs.getInt64(1));
  q.set_number(rs.getString(2));
  q.set_customer_id(rs.getInt64(3));
  q.set_contact_id(rs.getInt64(4));
  q.set_opportunity_id(rs.getInt64(5));
  q.set_status(static_cast<v1::QuoteStatus>(rs.getInt(6)));
  q.set_order_discount_bp(rs.getInt(7));
  *q.mutable_total_amount() = Fen(rs.getInt64(8));
  *q.mutable_total_tax() = Fen(rs.getInt64(9));
  q.set_quote_date(rs.getString(10));
  q.set_valid_until(rs.getString(11));
  q.set_remarks(rs.getString(12));
  q.set_order_id(rs.getInt64(13));
  q.set_reject_reason(rs.getString(14));
  q.set_owner_employee_id(rs.getInt64(15));
  q.set_owner_department_id(rs.getInt64(16));
  q.set_etag(EtagOf(rs.getInt64(17)));
  SqlDateTimeToTimestamp(rs.getString(18), q.mutable_create_time());
  SqlDateTimeToTimestamp(rs.getString(19), q.mutable_update_time());
  return q;
}

void FillQuoteLines(MySqlConnection& c, const std::vector<Quote*>& quotes) {
  std::map<int64_t, Lines*> lines;
  for (Quote* quote : quotes) lines[quote->id()] = quote->mutable_lines();
  FillLines(c, kQuoteLines, lines);
}

std::unique_ptr<Quote> LoadQuote(MySqlConnection& c, const VisibilityScope& scope, int64_t id,
                                 bool for_update) {
  SqlWhere where;
  where.And("q.id = ?", {id});
  RestrictToScope(where, scope, "q.owner_id", "q.owner_department_path");
  sql::PreparedStatement& stmt =
      c.Prepare(absl::StrCat(kQuoteSelect, where.Sql(), for_update ? " FOR UPDATE" : ""));
  where.Bind(stmt);
  std::unique_ptr<sql::ResultSet> rs(stmt.executeQuery());
  if (!rs->next()) return nullptr;
  auto quote = std::make_unique<Quote>(ReadQuote(*rs));
  FillQuoteLines(c, {quote.get()});
  return quote;
}

RecordTable<Quote> QuoteTable(const CallContext& call) {
  return {"quotes", "quote",
          [&call](MySqlConnection& c, int64_t id, bool for_update) {
            return LoadQuote(c, for_update ? WriteScopeOf(call.caller) : ScopeOf(call.caller), id,
                             for_update);
          },
          [&call](MySqlConnection& c, int64_t id) {
            return LoadQuote(c, ScopeOf(call.caller), id, false) != nullptr;
          }};
}

// Parameters 1–11 of the insert and the update, in the order both name them.
void BindHeaderColumns(sql::PreparedStatement& stmt, const Quote& q) {
  stmt.setInt64(1, q.contact_id());
  stmt.setInt64(2, q.opportunity_id());
  stmt.setInt(3, q.status());
  stmt.setInt(4, q.order_discount_bp());
  stmt.setInt64(5, q.total_amount().minor_units());
  stmt.setInt64(6, q.total_tax().minor_units());
  stmt.setString(7, q.quote_date());
  stmt.setString(8, q.valid_until());
  stmt.setString(9, q.remarks());
  stmt.setString(10, q.reject_reason());
  stmt.setInt64(11, q.order_id());
}

void WriteHeader(MySqlConnection& c, int64_t id, const Quote& q) {
  sql::PreparedStatement& stmt = c.Prepare(
      "UPDATE quotes SET contact_id = ?, opportunity_id = ?, status = ?, order_discount_bp = ?,"
      " total_amount_fen = ?, total_tax_fen = ?, quote_date = ?, valid_until = ?, remarks = ?,"
      " reject_reason = ?, order_id = ? WHERE id = ?");
  BindHeaderColumns(stmt, q);
  stmt.setInt64(12, id);
  stmt.executeUpdate();
}

}  // namespace

std::unique_ptr<Quote> LoadQuoteRow(MySqlConnection& c, const VisibilityScope& scope, int64_t id,
                                    bool for_update) {
  return LoadQuote(c, scope, id, for_update);
}

absl::Status PriceQuote(Quote& quote, const std::map<int64_t, v1::Product>* products) {
  if (products != nullptr) {
    CRM_RETURN_IF_ERROR(CompleteLines(*products, "quote", *quote.mutable_lines()));
  }
  CRM_ASSIGN_OR_RETURN(const DocumentTotals totals,
                       PriceLines("quote", quote.order_discount_bp(), *quote.mutable_lines()));
  *quote.mutable_total_amount() = Fen(totals.amount_fen);
  *quote.mutable_total_tax() = Fen(totals.tax_fen);
  return absl::OkStatus();
}

absl::StatusOr<Quote> QuoteRepository::Create(const CallContext& call, const Quote& quote,
                                              const std::string& request_id) {
  // A named opportunity is locked first (CreateOnceLocked: a retry's lookup
  // then sees what a racing create committed).
  auto lock = [&](MySqlConnection& c) -> absl::Status {
    if (quote.opportunity_id() == 0) return absl::OkStatus();
    return LockOpenOpportunity(c, call, quote.opportunity_id(), quote.customer_id(),
                               "quote.opportunity_id");
  };
  return CreateOnceLocked(
      db_, call, QuoteTable(call), request_id, lock,
      [&](MySqlConnection& c, const std::string& request_key) -> absl::StatusOr<int64_t> {
        Quote draft = quote;
        std::vector<int64_t> product_ids;
        for (const v1::OrderLine& line : draft.lines()) product_ids.push_back(line.product_id());
        const std::map<int64_t, v1::Product> products = LoadProducts(c, product_ids);
        CRM_RETURN_IF_ERROR(PriceQuote(draft, &products));
        const absl::CivilDay today = absl::ToCivilDay(call.Now(), zone_);
        if (draft.quote_date().empty()) draft.set_quote_date(FormatIsoDate(today));
        if (draft.valid_until().empty()) {
          draft.set_valid_until(FormatIsoDate(*ParseIsoDate(draft.quote_date()) + 30));
        }
        draft.set_status(v1::QUOTE_STATUS_DRAFT);
        const Owner owner = CurrentOwner(c, call.caller);
        const std::string now = FormatSqlDateTime(call.Now());
        sql::PreparedStatement& stmt = c.Prepare(
            "INSERT INTO quotes (contact_id, opportunity_id, status, order_discount_bp,"
            " total_amount_fen, total_tax_fen, quote_date, valid_until, remarks, reject_reason,"
            " order_id, customer_id, owner_id, owner_department_id, owner_department_path,"
            " create_request_id, created_at, updated_at)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
        BindHeaderColumns(stmt, draft);
        stmt.setInt64(12, draft.customer_id());
        stmt.setInt64(13, owner.employee_id);
        stmt.setInt64(14, owner.department_id);
        stmt.setString(15, owner.department_path);
        SetStringOrNull(stmt, 16, request_key);
        stmt.setDateTime(17, now);
        stmt.setDateTime(18, now);
        stmt.executeUpdate();
        const int64_t id = c.LastInsertId();
        InsertLines(c, kQuoteLines, id, draft.lines());
        // Last: the day's counter row is held only until the commit.
        NumberDocument(c, "quotes", id, "QT", today);
        return id;
      });
}

absl::StatusOr<Quote> QuoteRepository::Get(const CallContext& call, int64_t id) {
  return db_.Run("quote.get", call.deadline, [&](MySqlConnection& c) -> absl::StatusOr<Quote> {
    std::unique_ptr<Quote> quote = LoadQuote(c, ScopeOf(call.caller), id, false);
    if (!quote) return QuoteTable(call).NotFound(id);
    return *quote;
  });
}

absl::StatusOr<Quote> QuoteRepository::Update(const CallContext& call, int64_t id,
                                              const std::string& etag, const QuoteEdit& edit,
                                              bool new_lines) {
  auto write = [&](MySqlConnection& c, const Quote& quote) {
    WriteHeader(c, id, quote);
    if (!new_lines) return;
    DeleteLines(c, kQuoteLines, id);
    InsertLines(c, kQuoteLines, id, quote.lines());
  };
  return UpdateVersioned(db_, call, QuoteTable(call), id, etag, edit, write);
}

absl::StatusOr<Page<Quote>> QuoteRepository::List(const CallContext& call, int64_t customer_id,
                                                  v1::QuoteStatus status, int page_size,
                                                  std::optional<int64_t> before_id) {
  return db_.Run(
      "quote.list", call.deadline, [&](MySqlConnection& c) -> absl::StatusOr<Page<Quote>> {
        SqlWhere where;
        if (customer_id != 0) where.And("q.customer_id = ?", {customer_id});
        if (status != v1::QUOTE_STATUS_UNSPECIFIED) {
          where.And("q.status = ?", {static_cast<int64_t>(status)});
        }
        RestrictToScope(where, ScopeOf(call.caller), "q.owner_id", "q.owner_department_path");
        KeysetQuery q(kQuoteSelect, "FROM quotes q", where, " ORDER BY q.id DESC", page_size);
        if (before_id) q.After("q.id < ?", {*before_id});
        Page<Quote> page = ReadKeysetPage<Quote>(c, q, ReadQuote);
        std::vector<Quote*> quotes;
        for (Quote& quote : page.rows) quotes.push_back(&quote);
        FillQuoteLines(c, quotes);
        return page;
      });
}

absl::StatusOr<v1::Order> QuoteRepository::ConvertToOrder(const CallContext& call, int64_t id,
                                                          const std::string& request_id,
                                                          const std::string& delivery_date) {
  std::unique_ptr<Quote> quote;  // as locked by the order's transaction
  OrderSource source;
  source.lock = [&](MySqlConnection& c) -> absl::Status {
    quote = LoadQuote(c, WriteScopeOf(call.caller), id, /*for_update=*/true);
    return quote ? absl::OkStatus() : QuoteTable(call).NotFound(id);
  };
  source.prepare = [&](MySqlConnection&, v1::Order& draft) -> absl::Status {
    if (quote->status() != v1::QUOTE_STATUS_DRAFT && quote->status() != v1::QUOTE_STATUS_SENT) {
      return absl::FailedPreconditionError(
          absl::StrCat("quote ", quote->number(), " is ", v1::QuoteStatus_Name(quote->status()),
                       ": only DRAFT or SENT quotes can become orders"));
    }
    const absl::CivilDay today = absl::ToCivilDay(call.Now(), zone_);
    if (*ParseIsoDate(quote->valid_until()) < today) {
      return absl::FailedPreconditionError(absl::StrCat("quote ", quote->number(), " expired on ",
                                                        quote->valid_until(), ": quote again"));
    }
    draft.set_customer_id(quote->customer_id());
    draft.set_contact_id(quote->contact_id());
    draft.set_order_discount_bp(quote->order_discount_bp());
    draft.set_quote_id(quote->id());
    draft.set_delivery_date(delivery_date);
    for (const v1::OrderLine& quoted : quote->lines()) {
      v1::OrderLine& line = *draft.add_lines() = quoted;
      line.clear_id();
      line.set_delivered_milli(0);
    }
    return PriceOrderLines(draft);  // the quote's own figures, by the same rule
  };
  source.link = [&](MySqlConnection& c, int64_t order_id) {
    Quote accepted = *quote;
    accepted.set_status(v1::QUOTE_STATUS_ACCEPTED);
    accepted.set_order_id(order_id);
    WriteHeader(c, id, accepted);
    TouchVersion(c, "quotes", id, call.Now());
    accepted.set_etag(EtagOf(VersionOfEtag(quote->etag()) + 1));
    SetTimestamp(call.Now(), accepted.mutable_update_time());
    AppendChange(c, call, ChangeOp::kUpdate, id, accepted, quote.get());
  };
  v1::Order order;
  return orders_.Create(call, order, request_id, &source);
}

}  // namespace crm::sales
