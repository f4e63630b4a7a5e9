// The lines of orders and quotes: one shape (crm.sales.v1.OrderLine), two
// tables with the same columns, one piece of code to read and write both.
#pragma once

#include <cstdint>
#include <map>

#include "crm/sales/v1/order.pb.h"

namespace crm {
class MySqlConnection;
}

namespace crm::sales {

using Lines = google::protobuf::RepeatedPtrField<v1::OrderLine>;

// Where a kind of document keeps its lines (constant names, never input).
struct LineTable {
  const char* table;
  const char* document_column;
};
inline constexpr LineTable kOrderLines{"order_lines", "order_id"};
inline constexpr LineTable kQuoteLines{"quote_lines", "quote_id"};

// Replaces each document's lines (a page of documents at most) with the
// stored ones, in line order, in one query. Throws sql::SQLException.
void FillLines(MySqlConnection& connection, const LineTable& table,
               const std::map<int64_t, Lines*>& lines_by_document);

// Inserts `lines` as document `document_id`'s lines 1..n, a few rows per
// statement (an order of 5 lines is 2 statements). Throws sql::SQLException.
void InsertLines(MySqlConnection& connection, const LineTable& table, int64_t document_id,
                 const Lines& lines);

// Deletes every line of the document (before InsertLines replaces them).
void DeleteLines(MySqlConnection& connection, const LineTable& table, int64_t document_id);

}  // namespace crm::sales
