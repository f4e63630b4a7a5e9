// ProductRepository: prepared statements over products.
#include "services/sales/product_repository.h"

#include <cppconn/prepared_statement.h>
#include <cppconn/resultset.h>

#include <memory>
#include <set>

#include "absl/strings/str_cat.h"
#include "common/base/status_util.h"
#include "common/db/database.h"
#include "common/db/record_helpers.h"
#include "common/db/sql_time.h"
#include "common/db/sql_where.h"
#include "common/feed/versioned_rows.h"
#include "services/sales/money.h"

namespace crm::sales {
namespace {

using v1::Product;

constexpr char kProductSelect[] =
    "SELECT p.id, p.name, p.model, p.specification, p.unit, p.list_price_fen, p.cost_price_fen,"
    " p.vat_rate_percent, p.discontinued, p.low_stock_threshold_milli, p.version, p.created_at,"
    " p.updated_at FROM products p";

Product ReadProduct(sql::ResultSet& rs) {
  Product p;
  p.set_id(rs.getInt64(1));
  p.set_name(rs.getString(2));
  p.set_model(rs.getString(3));
  p.set_specification(rs.getString(4));
  p.set_unit(rs.getString(5));
  *p.mutable_list_price() = Fen(rs.getInt64(6));
  *p.mutable_cost_price() = Fen(rs.getInt64(7));
  p.set_vat_rate_percent(rs.getInt(8));
  p.set_discontinued(rs.getBoolean(9));
  p.set_low_stock_threshold_milli(rs.getInt64(10));
  p.set_etag(EtagOf(rs.getInt64(11)));
  SqlDateTimeToTimestamp(rs.getString(12), p.mutable_create_time());
  SqlDateTimeToTimestamp(rs.getString(13), p.mutable_update_time());
  return p;
}

std::unique_ptr<Product> LoadProduct(MySqlConnection& c, int64_t id, bool for_update) {
  sql::PreparedStatement& stmt =
      c.Prepare(absl::StrCat(kProductSelect, " WHERE p.id = ?", for_update ? " FOR UPDATE" : ""));
  stmt.setInt64(1, id);
  std::unique_ptr<sql::ResultSet> rs(stmt.executeQuery());
  if (!rs->next()) return nullptr;
  return std::make_unique<Product>(ReadProduct(*rs));
}

// Parameters 1–9 of the insert and the update, in the order both name them.
void BindEditableColumns(sql::PreparedStatement& stmt, const Product& p) {
  stmt.setString(1, p.name());
  stmt.setString(2, p.model());
  stmt.setString(3, p.specification());
  stmt.setString(4, p.unit());
  stmt.setInt64(5, p.list_price().minor_units());
  stmt.setInt64(6, p.cost_price().minor_units());
  stmt.setInt(7, p.vat_rate_percent());
  stmt.setBoolean(8, p.discontinued());
  stmt.setInt64(9, p.low_stock_threshold_milli());
}

const RecordTable<Product> kProducts{"products", "product", &LoadProduct};

}  // namespace

absl::StatusOr<Product> ProductRepository::Create(const CallContext& call, const Product& product,
                                                  const std::string& request_id) {
  return CreateOnce(
      db_, call, kProducts, request_id,
      [&](MySqlConnection& c, const std::string& request_key) -> absl::StatusOr<int64_t> {
        const std::string now = FormatSqlDateTime(call.Now());
        sql::PreparedStatement& stmt = c.Prepare(
            "INSERT INTO products (name, model, specification, unit, list_price_fen,"
            " cost_price_fen, vat_rate_percent, discontinued, low_stock_threshold_milli,"
            " create_request_id, created_at, updated_at)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
        BindEditableColumns(stmt, product);
        SetStringOrNull(stmt, 10, request_key);
        stmt.setDateTime(11, now);
        stmt.setDateTime(12, now);
        stmt.executeUpdate();
        const int64_t id = c.LastInsertId();
        sql::PreparedStatement& stock =
            c.Prepare("INSERT INTO stock_levels (product_id) VALUES (?)");
        stock.setInt64(1, id);
        stock.executeUpdate();
        return id;
      });
}

absl::StatusOr<Product> ProductRepository::Get(const CallContext& call, int64_t id) {
  return db_.Run("product.get", call.deadline, [&](MySqlConnection& c) -> absl::StatusOr<Product> {
    auto product = LoadProduct(c, id, false);
    if (!product) return kProducts.NotFound(id);
    return *product;
  });
}

absl::StatusOr<Product> ProductRepository::Update(
    const CallContext& call, int64_t id, const std::string& etag,
    const std::function<absl::Status(Product&)>& change) {
  auto edit = [&](MySqlConnection&, Product& product) { return change(product); };
  auto write = [&](MySqlConnection& c, const Product& product) {
    sql::PreparedStatement& stmt = c.Prepare(
        "UPDATE products SET name = ?, model = ?, specification = ?, unit = ?,"
        " list_price_fen = ?, cost_price_fen = ?, vat_rate_percent = ?, discontinued = ?,"
        " low_stock_threshold_milli = ? WHERE id = ?");
    BindEditableColumns(stmt, product);
    stmt.setInt64(10, id);
    stmt.executeUpdate();
  };
  return UpdateVersioned(db_, call, kProducts, id, etag, edit, write);
}

absl::StatusOr<Page<Product>> ProductRepository::List(const CallContext& call,
                                                      const std::string& query,
                                                      bool include_discontinued, int page_size,
                                                      const std::optional<ProductPosition>& after) {
  return db_.Run(
      "product.list", call.deadline, [&](MySqlConnection& c) -> absl::StatusOr<Page<Product>> {
        SqlWhere where;
        if (!query.empty()) {
          const std::string pattern = EscapeLike(query);
          // A scan; a catalogue has thousands of products, not millions.
          where.And("(p.name LIKE CONCAT('%', ?, '%') OR p.model LIKE CONCAT('%', ?, '%'))",
                    {pattern, pattern});
        }
        if (!include_discontinued) where.And("NOT p.discontinued");
        KeysetQuery q(kProductSelect, "FROM products p", where, " ORDER BY p.name, p.id",
                      page_size);
        if (after) {
          q.After("(p.name > ? OR (p.name = ? AND p.id > ?))",
                  {after->name, after->name, after->id});
        }
        return ReadKeysetPage<Product>(c, q, ReadProduct);
      });
}

std::map<int64_t, Product> LoadProducts(MySqlConnection& c, const std::vector<int64_t>& ids) {
  std::map<int64_t, Product> products;
  const std::set<int64_t> wanted(ids.begin(), ids.end());
  if (wanted.empty()) return products;
  // Padded to a few list sizes, so the statements prepared stay few.
  sql::PreparedStatement& stmt = c.Prepare(
      absl::StrCat(kProductSelect, " WHERE p.id IN (", InPlaceholders(wanted.size()), ")"));
  int index = 1;
  for (int64_t id : wanted) stmt.setInt64(index++, id);
  for (size_t i = wanted.size(); i < PaddedInSize(wanted.size()); ++i) {
    stmt.setInt64(index++, *wanted.rbegin());
  }
  std::unique_ptr<sql::ResultSet> rs(stmt.executeQuery());
  while (rs->next()) {
    Product product = ReadProduct(*rs);
    products.emplace(product.id(), std::move(product));
  }
  return products;
}

}  // namespace crm::sales
