// SQL for products (R11): a catalogue every sales person reads. Each product
// has its stock_levels row from the start (stock_repository.h moves it).
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "common/db/keyset_page.h"
#include "common/rpc/call_context.h"
#include "crm/sales/v1/product.pb.h"

namespace crm {
class Database;
class MySqlConnection;
}  // namespace crm

namespace crm::sales {

struct ProductPosition {
  std::string name;
  int64_t id = 0;
};

class ProductRepository {
 public:
  explicit ProductRepository(Database& db) : db_(db) {}

  absl::StatusOr<v1::Product> Create(const CallContext& call, const v1::Product& product,
                                     const std::string& request_id);
  absl::StatusOr<v1::Product> Get(const CallContext& call, int64_t id);
  absl::StatusOr<v1::Product> Update(const CallContext& call, int64_t id, const std::string& etag,
                                     const std::function<absl::Status(v1::Product&)>& change);
  // By name, then id; `query` a substring of the name or model ("" for all).
  absl::StatusOr<Page<v1::Product>> List(const CallContext& call, const std::string& query,
                                         bool include_discontinued, int page_size,
                                         const std::optional<ProductPosition>& after);

 private:
  Database& db_;
};

// The products with these ids, by id (missing ones are absent). For callers
// inside a transaction (orders copy a product onto each line).
std::map<int64_t, v1::Product> LoadProducts(MySqlConnection& connection,
                                            const std::vector<int64_t>& ids);

}  // namespace crm::sales
