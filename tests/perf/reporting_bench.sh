#!/usr/bin/env bash
# Benchmark: the reporting service at scale, beside MariaDB alone, on the
# local stack (deploy/local/up.sh --detach; started if the gateway does not
# answer). What it measures, in order:
#   1. ORDERS (1,000,000) confirmed orders of LINES (5) lines each, dated over
#      three years, are written into the sales schema with their change rows
#      (reporting_bench --mode=gen, then LOAD DATA: creating millions through
#      the API is not what is measured); the time the read model takes to
#      apply them from the sales feed (its catch-up rate);
#   2. each report over the three years, REPS (5) calls: median and p95, beside
#      the single equivalent GROUP BY on the source tables (crm_sales,
#      crm_customer) run by MariaDB alone, same number of times;
#   3. an export of the order list (every order): rows/s, the row count the
#      last message gave, the reporting process's peak RSS during it, beside
#      SELECT … INTO OUTFILE of the same columns;
#   4. feed lag while RATE (200) one-line orders a second are created through
#      the gateway for LAG_SECONDS (60): per order, the time from its
#      acknowledgement to the read model having it (p50, p99);
#   5. RebuildReadModel: the time to apply every feed again from sequence 0.
# Customers come from the stack as it is (a 1,000,000-customer stack is what
# customer_bench.sh or pool_recycle_bench.sh leave); orders are spread over
# them with a skew. Everything shares the machine's cores.
#   ORDERS=100000 tests/perf/reporting_bench.sh      # a smaller run
#   SKIP_LOAD=1 tests/perf/reporting_bench.sh       # measure what is loaded
#   SKIP_LOAD=1 STEPS="reports rebuild" tests/perf/reporting_bench.sh
#                                                   # some of steps 2-5 only
set -euo pipefail
source "$(dirname "$0")/../../deploy/local/lib.sh"
source "$CRM_ROOT/tests/perf/figures.sh"

GATEWAY=127.0.0.1:${CRM_GATEWAY_PORT:-50051}
LOCAL_DIR=${CRM_LOCAL_DIR:-$CRM_ROOT/.crm-local}
ORDERS=${ORDERS:-1000000}
LINES=${LINES:-5}
REPS=${REPS:-5}
RATE=${RATE:-200}
LAG_SECONDS=${LAG_SECONDS:-60}
DATA_DIR=${BENCH_DATA_DIR:-/tmp/crm-report-bench}
STEPS=" ${STEPS:-reports export lag rebuild} "
step() { [[ $STEPS == *" $1 "* ]]; }
BENCH="$CRM_BUILD_DIR/tests/perf/reporting_bench"
CRMCTL="$CRM_BUILD_DIR/tools/crmctl/crmctl"

cmake --build "$CRM_BUILD_DIR" -j "${CRM_BUILD_JOBS:-2}" --target reporting_bench crmctl >/dev/null
if ! "$CRMCTL" wait-serving --target="$GATEWAY" --timeout-s=1 >/dev/null 2>&1; then
  "$CRM_ROOT/deploy/local/up.sh" --detach
fi
# shellcheck disable=SC1091
source "$LOCAL_DIR/secrets.env"
socket="$LOCAL_DIR/mariadb/mysqld.sock"
sql() { mariadb --no-defaults --socket="$socket" -uroot -N --local-infile=1 "$@"; }
bench() {
  CRM_PASSWORD=$CRM_ADMIN_PASSWORD "$BENCH" --target="$GATEWAY" --username=admin "$@"
}
ms_now() { date +%s%N | awk '{printf "%.1f", $1 / 1e6}'; }
median() { sort -n | awk '{v[NR] = $1} END {print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2}'; }
rss_mib() { awk '/VmRSS/ {printf "%.0f", $2 / 1024}' "/proc/$(cut -d' ' -f1 "$LOCAL_DIR/run/reporting.pid")/status"; }

# Change rows from a file into `schema`'s feed, in one transaction holding
# the sequence counter (as AppendChange does), so no writer interleaves.
load_changes() {
  sql "$1" -e "
    BEGIN;
    SELECT last_sequence FROM change_sequence WHERE id = 1 FOR UPDATE;
    LOAD DATA LOCAL INFILE '$2' INTO TABLE change_log
      (sequence, entity_type, entity_id, operation, actor, @time, state_type, @state)
      SET change_time = UTC_TIMESTAMP(6), state = UNHEX(@state), request_id = '';
    UPDATE change_sequence SET last_sequence = (SELECT MAX(sequence) FROM change_log)
      WHERE id = 1;
    COMMIT;" >/dev/null
}

today=$(TZ=Asia/Shanghai date +%F)
last_year=$(($(TZ=Asia/Shanghai date +%Y) - 1))
start=$(TZ=Asia/Shanghai date -d "$today - 1094 days" +%F)
mkdir -p "$DATA_DIR"

echo "== catching up with what the stack holds"
bench --mode=wait
# Customers another benchmark bulk-loaded have no change rows: write the
# creation change the customer service would have, so the feed carries them.
missing=$(sql crm_customer -e "SELECT COUNT(*) FROM customers c WHERE NOT EXISTS (SELECT 1
  FROM change_log l WHERE l.entity_type = 'crm.customer.v1.Customer' AND l.entity_id = c.id)")
if [ "$missing" -gt 0 ]; then
  echo "== $missing customers without a change row: writing theirs"
  sql crm_customer -e "SELECT c.id, c.code, c.name, c.region_code, c.industry_code, c.type_code,
    c.status, c.grade, c.owner_id, c.created_at FROM customers c WHERE NOT EXISTS (SELECT 1
    FROM change_log l WHERE l.entity_type = 'crm.customer.v1.Customer' AND l.entity_id = c.id)
    ORDER BY c.id" >"$DATA_DIR/bare_customers.tsv"
  first=$(sql crm_customer -e "SELECT last_sequence + 1 FROM change_sequence WHERE id = 1")
  bench --mode=gen-customers --customers-file="$DATA_DIR/bare_customers.tsv" --first="$first" \
    --out-dir="$DATA_DIR"
  load_changes crm_customer "$DATA_DIR/customer_change_log.tsv"
  echo "the read model applies them:"
  bench --mode=wait
fi
have=$(sql crm_sales -e "SELECT COUNT(*) FROM orders WHERE number LIKE 'SB%'")
if [ "${SKIP_LOAD:-0}" != 1 ] && [ "$have" -lt "$ORDERS" ]; then
  bench --mode=products
  sql crm_sales -e "SELECT id, name, model, specification, unit, list_price_fen, cost_price_fen,
    vat_rate_percent FROM products WHERE name LIKE '报表产品%'" >"$DATA_DIR/products.tsv"
  sql crm_customer -e "SELECT id FROM customers WHERE deleted_at IS NULL ORDER BY id" \
    >"$DATA_DIR/customers.txt"
  # The orders' owner: the first department head's employee and department.
  owner=$(sql crm_org -e "SELECT e.id, d.id, d.path FROM users u JOIN employees e
    ON e.id = u.employee_id JOIN departments d ON d.id = e.department_id
    WHERE u.username = 'sales.head'" | head -n 1)
  first=$(sql crm_sales -e "SELECT (SELECT COALESCE(MAX(id), 0) + 1 FROM orders),
    (SELECT COALESCE(MAX(id), 0) + 1 FROM order_lines),
    (SELECT last_sequence + 1 FROM change_sequence WHERE id = 1)" | tr '\t' ',')
  echo "== generating $((ORDERS - have)) orders of $LINES lines over $(wc -l <"$DATA_DIR/customers.txt") customers"
  bench --mode=gen --orders=$((ORDERS - have)) --lines="$LINES" \
    --customers-file="$DATA_DIR/customers.txt" --products-file="$DATA_DIR/products.tsv" \
    --owner="$owner" --first="$first" --last-day="$today" --out-dir="$DATA_DIR"
  echo "== loading them (the sales service's own writes wait meanwhile)"
  t0=$(ms_now)
  sql crm_sales -e "
    SET unique_checks = 0;
    LOAD DATA LOCAL INFILE '$DATA_DIR/orders.tsv' INTO TABLE orders
      (id, number, customer_id, status, total_amount_fen, total_tax_fen, order_date, owner_id,
       owner_department_id, owner_department_path, created_at, updated_at)
      SET remarks = '';
    LOAD DATA LOCAL INFILE '$DATA_DIR/order_lines.tsv' INTO TABLE order_lines
      (id, order_id, line_no, product_id, product_name, model, specification, unit,
       cost_price_fen, vat_rate_percent, unit_price_fen, quantity_milli, discount_bp,
       amount_before_order_discount_fen, order_discount_share_fen, amount_fen, tax_fen);
" >/dev/null
  load_changes crm_sales "$DATA_DIR/change_log.tsv"
  load_ms=$(awk -v a="$t0" -v b="$(ms_now)" 'BEGIN {printf "%.0f", b - a}')
  echo "loaded in $load_ms ms; the read model applies them:"
  bench --mode=wait | tee "$DATA_DIR/apply.txt"
  applied_s=$(sed -n 's/.*seconds=\([0-9.]*\).*/\1/p' "$DATA_DIR/apply.txt")
  awk -v n="$((ORDERS - have))" -v s="$applied_s" 'BEGIN {printf "applied %d orders in %.0f s: %.0f orders/s, %.0f lines/s\n", n, s, n / s, n * '"$LINES"' / s}'
fi
echo "orders: $(sql crm_sales -e "SELECT COUNT(*) FROM orders"), lines: $(sql crm_sales -e "SELECT COUNT(*) FROM order_lines"), customers: $(sql crm_customer -e "SELECT COUNT(*) FROM customers")"

if step reports; then
# The 100,000 contracts receivables_bench.sh bulk-loads have no change rows,
# so the feed never carries them: copied into the read model as they stand,
# for the receivables report's figure (not a measure of the feed).
bulk_contracts="SELECT id FROM crm_sales.contracts WHERE number LIKE 'CTB%'"
if [ "$(sql -e "SELECT COUNT(*) FROM crm_reporting.contracts WHERE id IN ($bulk_contracts)")" = 0 ] &&
  [ "$(sql -e "SELECT COUNT(*) FROM ($bulk_contracts) k")" -gt 0 ]; then
  echo "== copying receivables_bench.sh's contracts into the read model"
  sql -e "
    INSERT INTO crm_reporting.contracts (id, number, customer_id, order_id, status, amount_fen,
      received_fen, prepaid_fen, owner_id, owner_department_id, owner_department_path)
    SELECT id, number, customer_id, COALESCE(order_id, 0), status, amount_fen, received_fen,
      prepaid_fen,
      owner_id, owner_department_id, owner_department_path FROM crm_sales.contracts
    WHERE number LIKE 'CTB%';
    INSERT INTO crm_reporting.instalments (id, contract_id, sequence, due_date, amount_fen,
      received_fen)
    SELECT i.id, i.contract_id, i.sequence, i.due_date, i.amount_fen, i.received_fen
    FROM crm_sales.payment_instalments i JOIN crm_sales.contracts k ON k.id = i.contract_id
    WHERE k.number LIKE 'CTB%';"
fi
echo "== reports, $REPS calls each, beside one GROUP BY on the source tables"
d() { TZ=Asia/Shanghai date -d "$today - $1 days" +%F; }
due="i.amount_fen - i.received_fen ELSE 0 END"
counted="o.status IN (2, 3, 4) AND o.order_date BETWEEN '$start' AND '$today'"
declare -A baseline=(
  [sales_by_month]="SELECT DATE_FORMAT(o.order_date, '%Y-%m') b, COUNT(*), SUM(o.total_amount_fen) FROM crm_sales.orders o WHERE $counted GROUP BY b"
  [sales_by_region_year]="SELECT YEAR(o.order_date) b, c.region_code, COUNT(*), SUM(o.total_amount_fen) FROM crm_sales.orders o JOIN crm_customer.customers c ON c.id = o.customer_id WHERE $counted GROUP BY b, c.region_code"
  [abc_first_page]="SELECT o.customer_id, SUM(o.total_amount_fen) s FROM crm_sales.orders o WHERE $counted GROUP BY o.customer_id ORDER BY s DESC LIMIT 100"
  [product_sales]="SELECT l.product_id, SUM(l.quantity_milli), COUNT(DISTINCT o.id), SUM(l.amount_fen), SUM(l.amount_fen - ROUND(l.cost_price_fen * l.quantity_milli / 1000)) FROM crm_sales.order_lines l JOIN crm_sales.orders o ON o.id = l.order_id WHERE $counted GROUP BY l.product_id"
  [contribution_first_page]="SELECT o.customer_id, SUM(l.amount_fen), SUM(l.amount_fen - ROUND(l.cost_price_fen * l.quantity_milli / 1000)) m FROM crm_sales.order_lines l JOIN crm_sales.orders o ON o.id = l.order_id WHERE $counted GROUP BY o.customer_id ORDER BY m DESC LIMIT 100"
  [customer_composition]="SELECT region_code, COUNT(*) FROM crm_customer.customers WHERE deleted_at IS NULL GROUP BY region_code"
  [seasonal_index]="SELECT YEAR(o.order_date), MONTH(o.order_date), SUM(o.total_amount_fen) FROM crm_sales.orders o WHERE o.status IN (2, 3, 4) AND o.order_date BETWEEN '$((last_year - 2))-01-01' AND '$last_year-12-31' GROUP BY 1, 2"
  [churn_first_page]="SELECT o.customer_id, MAX(o.order_date) d FROM crm_sales.orders o GROUP BY o.customer_id HAVING d < '$today' - INTERVAL 90 DAY ORDER BY d LIMIT 100"
  [evaluation]="SELECT o.owner_id, COUNT(*), SUM(o.total_amount_fen) FROM crm_sales.orders o WHERE $counted GROUP BY o.owner_id"
  [receivables_first_page]="SELECT g, COUNT(*), SUM(amount), SUM(received), SUM(b0), SUM(b1), SUM(b2), SUM(b3), SUM(b4) FROM (SELECT MAX(k.customer_id) g, MAX(k.amount_fen) amount, MAX(k.received_fen) received, SUM(CASE WHEN i.due_date >= '$today' THEN $due) b0, SUM(CASE WHEN i.due_date < '$today' AND i.due_date >= '$(d 30)' THEN $due) b1, SUM(CASE WHEN i.due_date < '$(d 30)' AND i.due_date >= '$(d 60)' THEN $due) b2, SUM(CASE WHEN i.due_date < '$(d 60)' AND i.due_date >= '$(d 90)' THEN $due) b3, SUM(CASE WHEN i.due_date < '$(d 90)' THEN $due) b4 FROM crm_sales.contracts k LEFT JOIN crm_sales.payment_instalments i ON i.contract_id = k.id AND i.open = 1 WHERE k.status IN (2, 3) GROUP BY k.id) per_contract GROUP BY g ORDER BY g"
  [dashboard]="SELECT COUNT(*), SUM(o.total_amount_fen) FROM crm_sales.orders o WHERE $counted"
)
# The whole walk beside the same single GROUP BY of every group.
baseline[receivables_by_customer]=${baseline[receivables_first_page]}
bench --mode=reports --reps="$REPS" --period-start="$start" --period-end="$today" |
  tee "$DATA_DIR/reports.txt"
printf '%-24s %10s %10s %12s %7s\n' report "ours p50" "ours p95" "GROUP BY p50" ratio
while read -r _ name median p95 _; do
  query=${baseline[$name]:-}
  [ -n "$query" ] || continue
  times=()
  for _ in $(seq "$REPS"); do
    t0=$(ms_now)
    sql -e "$query" >/dev/null
    times+=("$(awk -v a="$t0" -v b="$(ms_now)" 'BEGIN {printf "%.1f", b - a}')")
  done
  alone=$(printf '%s\n' "${times[@]}" | median)
  ours=${median#median_ms=}
  printf '%-24s %8s ms %8s ms %10s ms %7.2f\n' "$name" "$ours" "${p95#p95_ms=}" "$alone" \
    "$(awk -v a="$ours" -v b="$alone" 'BEGIN {print (b > 0) ? a / b : 0}')"
  perf_figure "report.median.$name" "$ours" "$alone" >/dev/null
  perf_figure "report.p95.$name" "${p95#p95_ms=}" >/dev/null
done <"$DATA_DIR/reports.txt"
fi

if step export; then
echo "== export of the order list, beside SELECT … INTO OUTFILE"
rm -f "$DATA_DIR/outfile.csv"
t0=$(ms_now)
sql crm_sales -e "SELECT o.id, o.order_date, o.customer_id, o.status, o.total_amount_fen, o.owner_id
  FROM orders o ORDER BY o.id INTO OUTFILE '$DATA_DIR/outfile.csv' FIELDS TERMINATED BY ','" ||
  echo "(INTO OUTFILE refused: the server may not write $DATA_DIR)"
outfile_ms=$(awk -v a="$t0" -v b="$(ms_now)" 'BEGIN {printf "%.0f", b - a}')
rss_before=$(rss_mib)
peak=$rss_before
bench --mode=export --list=orders >"$DATA_DIR/export.txt" &
exporter=$!
while kill -0 "$exporter" 2>/dev/null; do
  now=$(rss_mib)
  [ "$now" -gt "$peak" ] && peak=$now
  sleep 0.1
done
wait "$exporter"
cat "$DATA_DIR/export.txt"
echo "reporting RSS before ${rss_before} MiB, peak during the export ${peak} MiB; INTO OUTFILE ${outfile_ms} ms"
exported=$(sed -n 's/.*RESULT rows=\([0-9]*\).*/\1/p' "$DATA_DIR/export.txt")
if [ -s "$DATA_DIR/outfile.csv" ] && [ -n "$exported" ]; then
  perf_figure export.rows "$(sed -n 's/.*rows_per_s=\([0-9.]*\).*/\1/p' "$DATA_DIR/export.txt")" \
    "$(awk -v n="$(wc -l <"$DATA_DIR/outfile.csv")" -v ms="$outfile_ms" 'BEGIN { printf "%.0f", n / (ms / 1000) }')"
fi
perf_figure export.memory_growth $((peak - rss_before))
fi

if step lag; then
  echo "== feed lag at $RATE orders a second for $LAG_SECONDS s"
  bench --mode=lag --rate="$RATE" --seconds="$LAG_SECONDS" | tee "$DATA_DIR/lag.txt"
  perf_figure feed_lag_p99 "$(sed -n 's/.*RESULT .*p99_ms=\([0-9.]*\).*/\1/p' "$DATA_DIR/lag.txt")"
fi

if step rebuild; then
  echo "== rebuild from sequence 0"
  bench --mode=rebuild
fi
