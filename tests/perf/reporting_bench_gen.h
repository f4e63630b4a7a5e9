// The order generator of reporting_bench: orders, their lines and their
// change rows as files for LOAD DATA into the sales schema, so the reporting
// service reads them through the sales change feed as it reads any order.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/time/civil_time.h"

namespace crm::perf {

struct BenchProduct {
  int64_t id = 0;
  std::string name, model, specification, unit;
  int64_t price_fen = 0, cost_fen = 0;
  int vat_percent = 0;
};

struct OrderGeneration {
  int64_t orders = 0;
  int lines_per_order = 5;
  int64_t first_order_id = 1, first_line_id = 1, first_sequence = 1;
  std::vector<int64_t> customer_ids;
  std::vector<BenchProduct> products;
  int64_t owner_id = 0, owner_department_id = 0;
  std::string owner_department_path;
  std::string actor;        // the change rows' actor
  absl::CivilDay last_day;  // orders are dated over `days` days up to it
  int days = 1095;
  uint64_t seed = 20261206;
  std::string out_dir;  // orders.tsv, order_lines.tsv, change_log.tsv
};

// Writes the three files: CONFIRMED orders, lines priced by the sales
// rules (amount = price × quantity × (1 − discount), tax = amount × rate /
// (100 + rate), each half up), customers drawn with a skew (a few buy much,
// as ABC expects). Change rows carry the Order message sales would write.
absl::Status GenerateOrders(const OrderGeneration& g);

// Change rows (crm.customer.v1.Customer, created) for customers that are in
// the customer schema without one (bulk-loaded by another benchmark), so the
// read model can follow them: `in` holds id, code, name, region, industry,
// type, status, grade, owner id, created_at (UTC) per tab-separated line.
absl::Status GenerateCustomerChanges(const std::string& in, int64_t first_sequence,
                                     const std::string& actor, const std::string& out);

}  // namespace crm::perf
