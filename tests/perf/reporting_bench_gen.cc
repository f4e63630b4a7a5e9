// GenerateOrders: TSV rows for LOAD DATA (tabs and backslashes never occur
// in the generated text; the change row's state is hex, unhexed on load).
#include "tests/perf/reporting_bench_gen.h"

#include <algorithm>
#include <cstdio>
#include <memory>
#include <random>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"
#include "absl/time/time.h"
#include "common/base/dates.h"
#include "common/base/money.h"
#include "common/db/record_helpers.h"
#include "crm/customer/v1/customer.pb.h"
#include "crm/sales/v1/order.pb.h"

namespace crm::perf {
namespace {

namespace sv1 = sales::v1;

struct FileCloser {
  void operator()(FILE* f) const {
    if (f != nullptr) fclose(f);
  }
};
using File = std::unique_ptr<FILE, FileCloser>;

common::v1::Money Money(int64_t fen) { return Fen(fen); }

}  // namespace

absl::Status GenerateOrders(const OrderGeneration& g) {
  if (g.customer_ids.empty() || g.products.empty()) {
    return absl::InvalidArgumentError("no customers or no products to make orders of");
  }
  File orders(fopen((g.out_dir + "/orders.tsv").c_str(), "w"));
  File lines(fopen((g.out_dir + "/order_lines.tsv").c_str(), "w"));
  File changes(fopen((g.out_dir + "/change_log.tsv").c_str(), "w"));
  if (!orders || !lines || !changes) return absl::InternalError("cannot write in " + g.out_dir);
  std::mt19937_64 random(g.seed);
  // A customer's chance falls with its rank (a Zipf-like skew): a few
  // customers buy much, most a little.
  std::geometric_distribution<int64_t> skew(
      std::min(0.5, 8.0 / static_cast<double>(g.customer_ids.size())));
  std::uniform_int_distribution<int> day_back(0, g.days - 1);
  std::uniform_int_distribution<size_t> product(0, g.products.size() - 1);
  std::uniform_int_distribution<int> units(1, 20);
  std::uniform_int_distribution<int> discount(0, 4);
  const absl::TimeZone shanghai = [] {
    absl::TimeZone zone;
    absl::LoadTimeZone("Asia/Shanghai", &zone);
    return zone;
  }();
  int64_t line_id = g.first_line_id;
  for (int64_t n = 0; n < g.orders; ++n) {
    const int64_t id = g.first_order_id + n;
    const absl::CivilDay day = g.last_day - day_back(random);
    const absl::Time at = absl::FromCivil(
        absl::CivilSecond(day.year(), day.month(), day.day(), 10, static_cast<int>(n % 60), 0),
        shanghai);
    const std::string date = FormatIsoDate(day);
    const std::string stamp = absl::FormatTime("%Y-%m-%d %H:%M:%S", at, absl::UTCTimeZone());
    sv1::Order order;
    order.set_id(id);
    order.set_number(absl::StrFormat("SB%04d%02d%02d-%07d", day.year(), day.month(), day.day(), n));
    order.set_customer_id(
        g.customer_ids[static_cast<size_t>(skew(random)) % g.customer_ids.size()]);
    order.set_status(sv1::CONFIRMED);
    order.set_order_date(date);
    order.set_owner_employee_id(g.owner_id);
    order.set_owner_department_id(g.owner_department_id);
    SetTimestamp(at, order.mutable_create_time());
    SetTimestamp(at, order.mutable_update_time());
    int64_t total = 0, tax = 0;
    for (int l = 0; l < g.lines_per_order; ++l) {
      const BenchProduct& p = g.products[product(random)];
      const int64_t quantity = int64_t{units(random)} * 1000;
      const int discount_bp = discount(random) * 250;
      const int64_t amount = DivideRoundingHalfUp(
          static_cast<__int128>(p.price_fen) * quantity * (kBasisPoints - discount_bp),
          static_cast<__int128>(1000) * kBasisPoints);
      const int64_t line_tax =
          DivideRoundingHalfUp(static_cast<__int128>(amount) * p.vat_percent, 100 + p.vat_percent);
      sv1::OrderLine& line = *order.add_lines();
      line.set_id(line_id);
      line.set_product_id(p.id);
      line.set_product_name(p.name);
      line.set_model(p.model);
      line.set_specification(p.specification);
      line.set_unit(p.unit);
      *line.mutable_cost_price() = Money(p.cost_fen);
      line.set_vat_rate_percent(p.vat_percent);
      *line.mutable_unit_price() = Money(p.price_fen);
      line.set_quantity_milli(quantity);
      line.set_discount_bp(discount_bp);
      *line.mutable_amount_before_order_discount() = Money(amount);
      *line.mutable_order_discount_share() = Money(0);
      *line.mutable_amount() = Money(amount);
      *line.mutable_tax() = Money(line_tax);
      absl::FPrintF(lines.get(),
                    "%d\t%d\t%d\t%d\t%s\t%s\t%s\t%s\t%d\t%d\t%d\t%d\t%d\t%d\t0\t%d\t%d\n", line_id,
                    id, l + 1, p.id, p.name, p.model, p.specification, p.unit, p.cost_fen,
                    p.vat_percent, p.price_fen, quantity, discount_bp, amount, amount, line_tax);
      ++line_id;
      total += amount;
      tax += line_tax;
    }
    *order.mutable_total_amount() = Money(total);
    *order.mutable_total_tax() = Money(tax);
    order.set_etag("1");
    absl::FPrintF(orders.get(), "%d\t%s\t%d\t%d\t%d\t%d\t%s\t%d\t%d\t%s\t%s\t%s\n", id,
                  order.number(), order.customer_id(), static_cast<int>(sv1::CONFIRMED), total, tax,
                  date, g.owner_id, g.owner_department_id, g.owner_department_path, stamp, stamp);
    absl::FPrintF(changes.get(), "%d\tcrm.sales.v1.Order\t%d\t1\t%s\t%s\tcrm.sales.v1.Order\t%s\n",
                  g.first_sequence + n, id, g.actor, stamp,
                  absl::BytesToHexString(order.SerializeAsString()));
  }
  if (ferror(orders.get()) || ferror(lines.get()) || ferror(changes.get())) {
    return absl::InternalError("writing the generated files failed");
  }
  return absl::OkStatus();
}

absl::Status GenerateCustomerChanges(const std::string& in, int64_t first_sequence,
                                     const std::string& actor, const std::string& out) {
  File source(fopen(in.c_str(), "r"));
  File changes(fopen(out.c_str(), "w"));
  if (!source || !changes) return absl::InternalError("cannot read " + in + " or write " + out);
  char buffer[4096];
  int64_t sequence = first_sequence;
  while (fgets(buffer, sizeof buffer, source.get()) != nullptr) {
    std::vector<std::string> f = absl::StrSplit(absl::StripTrailingAsciiWhitespace(buffer), '\t');
    customer::v1::Customer c;
    int64_t id = 0, owner = 0;
    int status = 0, grade = 0;
    absl::Time created;
    std::string error;
    if (f.size() != 10 || !absl::SimpleAtoi(f[0], &id) || !absl::SimpleAtoi(f[6], &status) ||
        !absl::SimpleAtoi(f[7], &grade) || !absl::SimpleAtoi(f[8], &owner) ||
        !absl::ParseTime("%Y-%m-%d %H:%M:%E*S", f[9], absl::UTCTimeZone(), &created, &error)) {
      return absl::InvalidArgumentError(absl::StrCat("a bad customer line: ", buffer));
    }
    c.set_id(id);
    c.set_code(f[1]);
    c.set_name(f[2]);
    c.set_region_code(f[3]);
    c.set_industry_code(f[4]);
    c.set_type_code(f[5]);
    c.set_status(static_cast<customer::v1::CustomerStatus>(status));
    c.set_grade(static_cast<customer::v1::CustomerGrade>(grade));
    c.set_owner_id(owner);
    SetTimestamp(created, c.mutable_create_time());
    SetTimestamp(created, c.mutable_update_time());
    c.set_etag("1");
    absl::FPrintF(changes.get(),
                  "%d\tcrm.customer.v1.Customer\t%d\t1\t%s\t-\tcrm.customer.v1.Customer\t%s\n",
                  sequence++, id, actor, absl::BytesToHexString(c.SerializeAsString()));
  }
  if (ferror(changes.get())) return absl::InternalError("writing " + out + " failed");
  return absl::OkStatus();
}

}  // namespace crm::perf
