// FillLines / InsertLines / DeleteLines over order_lines and quote_lines.
#include "services/sales/document_lines.h"

#include <cppconn/prepared_statement.h>
#include <cppconn/resultset.h>

#include <memory>

#include "absl/strings/str_cat.h"
#include "common/db/database.h"
#include "common/db/multi_row.h"
#include "common/db/sql_where.h"
#include "services/sales/money.h"

namespace crm::sales {
namespace {

using v1::OrderLine;

constexpr char kLineColumns[] =
    "id, product_id, product_name, model, specification, unit, cost_price_fen,"
    " vat_rate_percent, unit_price_fen, quantity_milli, discount_bp,"
    " amount_before_order_discount_fen, order_discount_share_fen, amount_fen, tax_fen,"
    " delivered_milli";

// Columns 2.. of a row selected as "<document column>, <kLineColumns>".
OrderLine ReadLine(sql::ResultSet& rs) {
  OrderLine l;
  l.set_id(rs.getInt64(2));
  l.set_product_id(rs.getInt64(3));
  l.set_product_name(rs.getString(4));
  l.set_model(rs.getString(5));
  l.set_specification(rs.getString(6));
  l.set_unit(rs.getString(7));
  *l.mutable_cost_price() = Fen(rs.getInt64(8));
  l.set_vat_rate_percent(rs.getInt(9));
  *l.mutable_unit_price() = Fen(rs.getInt64(10));
  l.set_quantity_milli(rs.getInt64(11));
  l.set_discount_bp(rs.getInt(12));
  *l.mutable_amount_before_order_discount() = Fen(rs.getInt64(13));
  *l.mutable_order_discount_share() = Fen(rs.getInt64(14));
  *l.mutable_amount() = Fen(rs.getInt64(15));
  *l.mutable_tax() = Fen(rs.getInt64(16));
  l.set_delivered_milli(rs.getInt64(17));
  return l;
}

}  // namespace

void FillLines(MySqlConnection& c, const LineTable& table,
               const std::map<int64_t, Lines*>& lines_by_document) {
  if (lines_by_document.empty()) return;
  for (const auto& [id, lines] : lines_by_document) lines->Clear();
  sql::PreparedStatement& stmt = c.Prepare(absl::StrCat(
      "SELECT ", table.document_column, ", ", kLineColumns, " FROM ", table.table, " WHERE ",
      table.document_column, " IN (", InPlaceholders(lines_by_document.size()), ") ORDER BY ",
      table.document_column, ", line_no"));
  int index = 1;
  for (const auto& [id, lines] : lines_by_document) stmt.setInt64(index++, id);
  for (size_t i = lines_by_document.size(); i < PaddedInSize(lines_by_document.size()); ++i) {
    stmt.setInt64(index++, lines_by_document.rbegin()->first);
  }
  std::unique_ptr<sql::ResultSet> rs(stmt.executeQuery());
  while (rs->next()) *lines_by_document.at(rs->getInt64(1))->Add() = ReadLine(*rs);
}

void InsertLines(MySqlConnection& c, const LineTable& table, int64_t document_id,
                 const Lines& lines) {
  InsertRowsExactly(
      c,
      absl::StrCat("INSERT INTO ", table.table, " (", table.document_column,
                   ", line_no, product_id, product_name, model, specification, unit,"
                   " cost_price_fen, vat_rate_percent, unit_price_fen, quantity_milli,"
                   " discount_bp, amount_before_order_discount_fen, order_discount_share_fen,"
                   " amount_fen, tax_fen, delivered_milli) VALUES "),
      "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", "", lines.size(),
      [&](sql::PreparedStatement& stmt, int i, size_t row, bool) {
        const OrderLine& l = lines.Get(static_cast<int>(row));
        stmt.setInt64(i++, document_id);
        stmt.setInt(i++, static_cast<int>(row) + 1);
        stmt.setInt64(i++, l.product_id());
        stmt.setString(i++, l.product_name());
        stmt.setString(i++, l.model());
        stmt.setString(i++, l.specification());
        stmt.setString(i++, l.unit());
        stmt.setInt64(i++, l.cost_price().minor_units());
        stmt.setInt(i++, l.vat_rate_percent());
        stmt.setInt64(i++, l.unit_price().minor_units());
        stmt.setInt64(i++, l.quantity_milli());
        stmt.setInt(i++, l.discount_bp());
        stmt.setInt64(i++, l.amount_before_order_discount().minor_units());
        stmt.setInt64(i++, l.order_discount_share().minor_units());
        stmt.setInt64(i++, l.amount().minor_units());
        stmt.setInt64(i++, l.tax().minor_units());
        stmt.setInt64(i++, l.delivered_milli());
        return i;
      });
}

void DeleteLines(MySqlConnection& c, const LineTable& table, int64_t document_id) {
  sql::PreparedStatement& remove = c.Prepare(
      absl::StrCat("DELETE FROM ", table.table, " WHERE ", table.document_column, " = ?"));
  remove.setInt64(1, document_id);
  remove.executeUpdate();
}

}  // namespace crm::sales
