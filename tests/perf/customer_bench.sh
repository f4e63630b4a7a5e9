#!/usr/bin/env bash
# Benchmark of customer import and search at scale (issue 4, points 3 and 10),
# in one run on a private stack:
#   (a) MariaDB's own LOAD DATA LOCAL INFILE of the generated CSV into copies of
#       the customers and contacts tables (the baseline);
#   (b) ImportCustomers of the same CSV through the gateway (CSV streamed in
#       64 KiB csv_chunk messages), rows/s and the ratio to (a) (target >= 0.5);
#   (c) the time the search indexer needs to catch up with the change log;
#   (d) SearchCustomers latency (p50/p99/max, one call at a time, page_size 20)
#       for a query set drawn from the data (gen_customers.py --queries), as an
#       administrator (sees all), the department head who imported (their
#       subtree) and a sales person (own customers: 1 in TRANSFER_EVERY of the
#       imported ones is transferred to them first), and beside it the LIKE
#       '%q%' scan of the customers table on the same queries (target: search
#       p99 < 20 ms at 1,000,000 customers).
#
# What the LOAD DATA side does: parses the same file; maps the city name to
# city_id, the letter i/n/p to importance, status and grade names to numbers,
# yuan to fen, and builds a code (importance letter + area code + a running
# number) with subqueries on cities; sets province, country and timestamps;
# fills a copy of customers (CREATE TABLE ... LIKE: the same columns, generated
# columns and indexes, unique keys on code, live tax id and name-in-city
# included, so duplicates are refused the same way) and then, with a second
# LOAD DATA of the same file, a copy of contacts (the primary contact of row k
# goes to customer id k). What
# it does not do: no foreign keys (LIKE does not copy them), no validation of
# values beyond the column types, no per-prefix code counters, no change_log
# rows, no owner or department resolution, no duplicate report per row, and it
# is one statement (one transaction) per table over a local socket, where the
# import commits batches over gRPC and TCP. Both run on the same server.
#
# Settings (environment):
#   N                 customers to generate and import (default 1000000; 20000 is a smoke run)
#   SEED              generator seed (default 20240601)
#   REPS              measured passes of the query set for SearchCustomers (default 5)
#   LIKE_REPS         measured passes for the LIKE scan (default 1; warm-up 0; 0 skips it)
#   TRANSFER_EVERY    1 in this many imported customers goes to sales.east (default 100)
#   EXPLAIN_SLOWEST   how many of the slowest queries per run to repeat with the slow log and
#                     EXPLAIN on (default 5; 0: none); see CRM_LOCAL_DIR/slow-search.log
#   IMPORT_USER       who imports (default sales.head, a department head; "admin" imports into
#                     the public pool, which search does not show)
#   BENCH_DATA_DIR    where generated CSVs and query sets are cached (default /tmp/crm-bench-data;
#                     a 1,000,000-row CSV is 244 MiB and takes about a minute to generate)
#   CRM_LOCAL_DIR     the private stack's directory (default /tmp/crm-bench); its database is
#                     recreated on every run
#   CRM_GATEWAY_PORT / CRM_BACKEND_PORT / CRM_DB_PORT_LOCAL  (default 50151 / 50161 / 33161)
#   CRM_MARIADB_BUFFER_POOL  (default 6G)
#   CRM_BUILD_DIR     build directory (default: deploy/local/lib.sh's, i.e. build/)
#   KEEP_STACK=1      leave the stack running afterwards (stop: CRM_LOCAL_DIR=... deploy/local/down.sh)
#   IMPORT_ONLY=1     stop after (b): LOAD DATA beside the import, a few minutes at 1,000,000
#   IMPORT_REPS       with IMPORT_ONLY=1: that many (a)+(b) runs, each on a fresh stack, and the
#                     median of their ratios (default 1; about 5 minutes each at 1,000,000)
#   SEARCH_ONLY=1     skip (a)-(c): restart the stack on the database a previous full run left in
#                     CRM_LOCAL_DIR (same N and SEED; migrations it lacks are applied) and run
#                     (d) and (e) only; for trying search changes without a 40-minute rebuild
#
#   N=20000 tests/perf/customer_bench.sh           # smoke run, about a minute
#   nohup tests/perf/customer_bench.sh > bench.log 2>&1 &
set -euo pipefail
source "$(dirname "$0")/../../deploy/local/lib.sh"
source "$CRM_ROOT/tests/perf/figures.sh"

N=${N:-1000000}
SEED=${SEED:-20240601}
REPS=${REPS:-5}
LIKE_REPS=${LIKE_REPS:-1}
TRANSFER_EVERY=${TRANSFER_EVERY:-100}
EXPLAIN_SLOWEST=${EXPLAIN_SLOWEST:-5}
DATA_DIR=${BENCH_DATA_DIR:-/tmp/crm-bench-data}
export CRM_LOCAL_DIR=${CRM_LOCAL_DIR:-/tmp/crm-bench}
export CRM_GATEWAY_PORT=${CRM_GATEWAY_PORT:-50151}
export CRM_BACKEND_PORT=${CRM_BACKEND_PORT:-50161}
export CRM_DB_PORT_LOCAL=${CRM_DB_PORT_LOCAL:-33161}
export CRM_MARIADB_BUFFER_POOL=${CRM_MARIADB_BUFFER_POOL:-6G}
export CRM_BUILD_DIR
# up.sh gives the gateway every backend's address but not the customer service
# the org service's; it reads CRM_ORG_ADDR (default: port 50064).
export CRM_ORG_ADDR=127.0.0.1:$((CRM_BACKEND_PORT + 3))
GATEWAY=127.0.0.1:$CRM_GATEWAY_PORT
BENCH="$CRM_BUILD_DIR/tests/perf/customer_bench"
DEMO_PASSWORD=${BENCH_DEMO_PASSWORD:-Demo-passw0rd}
IMPORT_USER=${IMPORT_USER:-sales.head}
MARKER="$CRM_LOCAL_DIR/.customer-bench"

# Timings here are noisy: IMPORT_REPS runs of the import comparison, side by
# side, give the median ratio.
if [ "${IMPORT_ONLY:-0}" = 1 ] && [ "${IMPORT_REPS:-1}" -gt 1 ]; then
  rep_logs=$(mktemp -d)
  for rep in $(seq 1 "$IMPORT_REPS"); do
    echo "==> import comparison $rep of $IMPORT_REPS"
    IMPORT_REPS=1 "$0" | tee "$rep_logs/$rep.log"
  done
  echo
  echo "================ import comparison, $IMPORT_REPS runs ================"
  grep -h '^IMPORT_ONLY\|ratio import' "$rep_logs"/*.log
  grep -ho '(customers + contacts): [0-9.]*' "$rep_logs"/*.log | awk '{ print $NF }' | sort -n |
    awk '{ r[NR] = $1 } END { printf "median ratio import / LOAD DATA (customers + contacts): %.2f of %d runs (target >= 0.50)\n", (NR % 2 ? r[(NR + 1) / 2] : (r[NR / 2] + r[NR / 2 + 1]) / 2), NR }'
  rm -rf "$rep_logs"
  exit 0
fi

now() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", b - a }'; }
db() {  # SQL from stdin, as root, on the customer schema
  mariadb --no-defaults --socket="$CRM_LOCAL_DIR/mariadb/mysqld.sock" -uroot \
    --default-character-set=utf8mb4 --batch --skip-column-names --local-infile=1 crm_customer
}
field() { grep -oP "(?<= $1=)[^ ]+" <<<"$2"; }  # field NAME "RESULT ... NAME=value ..."
rss_peak() { awk '/VmHWM/ { printf "%.0f MiB", $2 / 1024 }' "/proc/$(cut -d' ' -f1 "$CRM_LOCAL_DIR/run/$1.pid")/status"; }
# Waits (up to 120 s) until InnoDB has written back most dirty pages, so one
# measurement does not pay for the previous one's writes.
quiesce() {
  for _ in $(seq 1 120); do
    local dirty
    dirty=$(db <<<"SELECT VARIABLE_VALUE FROM information_schema.GLOBAL_STATUS WHERE VARIABLE_NAME = 'INNODB_BUFFER_POOL_PAGES_DIRTY'")
    [ "$dirty" -lt 2000 ] && return 0
    sleep 1
  done
}

# --- build, data -------------------------------------------------------------
crm_install_packages "${CRM_PACKAGES[@]}" "${CRM_TEST_PACKAGES[@]}"
crm_build customer_bench

mkdir -p "$DATA_DIR"
# Cached per row count, seed and generator version.
gen_version=$(md5sum "$CRM_ROOT/tests/perf/gen_customers.py" | cut -c1-8)
CSV="$DATA_DIR/customers-$N-$SEED-$gen_version.csv"
QUERIES="$DATA_DIR/queries-$N-$SEED-$gen_version.tsv"
if [ ! -s "$CSV" ] || [ ! -s "$QUERIES" ]; then
  crm_log "generating $N customers into $CSV"
  t0=$(now)
  /usr/bin/python3 "$CRM_ROOT/tests/perf/gen_customers.py" --rows="$N" --seed="$SEED" \
    --out="$CSV" --queries="$QUERIES"
  crm_log "generated in $(elapsed "$t0" "$(now)") s"
fi
csv_mib=$(du -m "$CSV" | cut -f1)

# --- a fresh private stack (or, SEARCH_ONLY, the last run's) ----------------------
SEARCH_ONLY=${SEARCH_ONLY:-0}
if [ -d "$CRM_LOCAL_DIR/mariadb" ] && [ ! -f "$MARKER" ]; then
  echo "customer_bench.sh: $CRM_LOCAL_DIR holds a database this script did not create;" \
    "choose another CRM_LOCAL_DIR" >&2
  exit 1
fi
"$CRM_ROOT/deploy/local/down.sh" >/dev/null
if [ "$SEARCH_ONLY" = 1 ]; then
  if [ "$(cat "$MARKER" 2>/dev/null)" != "$N $SEED $gen_version indexed" ]; then
    echo "customer_bench.sh: SEARCH_ONLY needs a database a full run with N=$N left in" \
      "$CRM_LOCAL_DIR" >&2
    exit 1
  fi
else
  rm -rf "$CRM_LOCAL_DIR/mariadb"
  mkdir -p "$CRM_LOCAL_DIR"
  echo "$N $SEED $gen_version" >"$MARKER"
fi
if [ "${KEEP_STACK:-0}" != 1 ]; then
  trap '"$CRM_ROOT/deploy/local/down.sh" >/dev/null 2>&1 || true' EXIT
fi
crm_log "starting the stack in $CRM_LOCAL_DIR (gateway $GATEWAY, buffer pool $CRM_MARIADB_BUFFER_POOL)"
"$CRM_ROOT/deploy/local/up.sh" --detach >"$CRM_LOCAL_DIR/up.log" 2>&1 ||
  { tail -n 30 "$CRM_LOCAL_DIR/up.log" >&2; exit 1; }
set -a
# shellcheck source=/dev/null
source "$CRM_LOCAL_DIR/secrets.env"
set +a
# What each process holds before any load (tests/perf/run.sh's RSS rows).
perf_rss_figures idle "$CRM_LOCAL_DIR" >/dev/null
# The administrator is no employee: what they import goes to the public pool,
# which search never shows. The default importer is the demo sales department
# head, so the customers have an owner that the administrator (all) and the
# head (department subtree) see.
if [ "$IMPORT_USER" = admin ]; then IMPORT_PASSWORD=$CRM_ADMIN_PASSWORD; else IMPORT_PASSWORD=$DEMO_PASSWORD; fi

index_lag() {
  db <<<"SELECT (SELECT COALESCE(MAX(sequence), 0) FROM change_log) -
                COALESCE((SELECT last_sequence FROM feed_cursors WHERE name = 'search-index'), 0)"
}
wait_index() {
  local last_report lag
  last_report=$(date +%s)
  while :; do
    lag=$(index_lag)
    [ "$lag" -le 0 ] && return 0
    if [ $(($(date +%s) - last_report)) -ge 30 ]; then
      echo "  search index: $lag changes behind" >&2
      last_report=$(date +%s)
    fi
    sleep 0.5
  done
}

if [ "$SEARCH_ONLY" != 1 ]; then
# --- (a) LOAD DATA LOCAL INFILE --------------------------------------------------
quiesce
crm_log "(a) LOAD DATA LOCAL INFILE of $N rows ($csv_mib MiB)"
db <<'SQL'
DROP TABLE IF EXISTS bench_load_customers, bench_load_contacts;
CREATE TABLE bench_load_customers LIKE customers;
CREATE TABLE bench_load_contacts LIKE contacts;
SQL
csv_sql=${CSV//\'/\'\'}
t0=$(now)
db <<SQL
SET NAMES utf8mb4 COLLATE utf8mb4_unicode_ci;
SET @n := 0;
LOAD DATA LOCAL INFILE '$csv_sql' INTO TABLE bench_load_customers CHARACTER SET utf8mb4
  FIELDS TERMINATED BY ',' OPTIONALLY ENCLOSED BY '"' LINES TERMINATED BY '\n' IGNORE 1 LINES
  (name, keywords, @region, @city, address, phone, email, @status, @grade, @importance, @revenue,
   employee_count, legal_representative, tax_id, industry_code, type_code, source_code,
   joined_date, @contact_name, @contact_mobile, @contact_position)
  SET region_code = @region,
      city_id = (SELECT id FROM cities WHERE region_code = @region COLLATE utf8mb4_unicode_ci
                                          AND name = @city COLLATE utf8mb4_unicode_ci),
      province = (SELECT province FROM cities WHERE id = city_id),
      country = '中国',
      status = CASE @status WHEN 'SIGNED' THEN 1 WHEN 'FOLLOWING_UP' THEN 2 WHEN 'TERMINATED' THEN 3 END,
      grade = CASE @grade WHEN 'EFFECTIVE' THEN 1 WHEN 'POTENTIAL' THEN 2 WHEN 'INTENDED' THEN 3 END,
      importance = CASE @importance WHEN 'i' THEN 1 WHEN 'p' THEN 3 ELSE 2 END,
      code = CONCAT(@importance, (SELECT area_code FROM cities WHERE id = city_id),
                    LPAD(@n := @n + 1, 7, '0')),
      name_key = name, phone_key = REGEXP_REPLACE(phone, '[^0-9]', ''),
      annual_revenue_minor = IF(@revenue = '', NULL, ROUND(@revenue * 100)),
      created_at = NOW(6), updated_at = NOW(6), last_activity_at = NOW(6);
SHOW WARNINGS LIMIT 3;
SQL
t1=$(now)
db <<SQL
SET NAMES utf8mb4 COLLATE utf8mb4_unicode_ci;
SET @n := 0;
LOAD DATA LOCAL INFILE '$csv_sql' INTO TABLE bench_load_contacts CHARACTER SET utf8mb4
  FIELDS TERMINATED BY ',' OPTIONALLY ENCLOSED BY '"' LINES TERMINATED BY '\n' IGNORE 1 LINES
  (@d, @d, @d, @d, @d, @d, @d, @d, @d, @d, @d, @d, @d, @d, @d, @d, @d, @d,
   name, mobile_phone, position)
  SET customer_id = (@n := @n + 1), is_primary = 1, created_at = NOW(6), updated_at = NOW(6);
SQL
t2=$(now)
loaded=$(db <<<"SELECT COUNT(*) FROM bench_load_customers")
loaded_contacts=$(db <<<"SELECT COUNT(*) FROM bench_load_contacts")
load_customers_s=$(elapsed "$t0" "$t1")
load_total_s=$(elapsed "$t0" "$t2")
echo "LOAD DATA: $loaded customers in $load_customers_s s, + $loaded_contacts contacts: $load_total_s s"
# A baseline that skipped rows (a column the table gained and this LOAD DATA
# does not fill) measures nothing: stop here rather than print a ratio.
if [ "$loaded" != "$N" ]; then
  echo "customer_bench.sh: LOAD DATA loaded $loaded of $N rows (its warnings are above)" >&2
  exit 1
fi
db <<<"DROP TABLE bench_load_customers, bench_load_contacts"

# --- (b) ImportCustomers through the gateway ---------------------------------------
quiesce
before_max_id=$(db <<<"SELECT COALESCE(MAX(id), 0) FROM customers")
crm_log "(b) ImportCustomers of the same $N rows through the gateway, as $IMPORT_USER"
import_start=$(now)
CRM_PASSWORD=$IMPORT_PASSWORD "$BENCH" import --target="$GATEWAY" --csv="$CSV" \
  --username="$IMPORT_USER" | tee "$CRM_LOCAL_DIR/import.out"
import_end=$(now)
import_line=$(grep '^RESULT import' "$CRM_LOCAL_DIR/import.out")
import_s=$(field seconds "$import_line")
import_created=$(field created "$import_line")
import_failed=$(field failed "$import_line")
import_memory="customer $(rss_peak customer), gateway $(rss_peak gateway)"
load_after_import=$(cut -d' ' -f1-3 /proc/loadavg)
echo "memory peak (VmHWM) after the import: $import_memory; load average $load_after_import"

if [ "${IMPORT_ONLY:-0}" = 1 ]; then
  awk -v n="$N" -v lc="$load_customers_s" -v lt="$load_total_s" -v im="$import_s" 'BEGIN {
    printf "IMPORT_ONLY N=%d: LOAD DATA customers %.2f s, + contacts %.2f s; ImportCustomers %.2f s (%d rows/s)\n", n, lc, lt, im, n / im
    printf "  ratio import / LOAD DATA (customers + contacts): %.2f; (customers only): %.2f\n", lt / im, lc / im }'
  echo "  created $import_created, failed $import_failed; peak memory $import_memory"
  exit 0
fi

# --- (c) the search index catching up ----------------------------------------------
crm_log "(c) waiting for the search indexer to catch up"
wait_index
index_end=$(now)
index_total_s=$(elapsed "$import_start" "$index_end")
index_after_s=$(elapsed "$import_end" "$index_end")
db <<<"ANALYZE TABLE search_postings, search_docs, search_gram_counts" >/dev/null
read -r postings docs grams index_mib <<<"$(db <<'SQL'
SELECT (SELECT TABLE_ROWS FROM information_schema.TABLES
         WHERE TABLE_SCHEMA = 'crm_customer' AND TABLE_NAME = 'search_postings'),
       (SELECT COUNT(*) FROM search_docs), (SELECT COUNT(*) FROM search_gram_counts),
       (SELECT ROUND(SUM(DATA_LENGTH + INDEX_LENGTH) / 1048576) FROM information_schema.TABLES
         WHERE TABLE_SCHEMA = 'crm_customer' AND TABLE_NAME LIKE 'search\_%')
SQL
)"
echo "search index: $docs documents, ~$postings postings, $grams grams, $index_mib MiB;" \
  "caught up $index_total_s s after the import started ($index_after_s s after it ended)"

# --- (d) search latency --------------------------------------------------------------
crm_log "transferring 1 in $TRANSFER_EVERY imported customers to sales.east"
db <<<"SELECT id FROM customers WHERE id > $before_max_id AND deleted_at IS NULL
         AND MOD(id, $TRANSFER_EVERY) = 0 ORDER BY id" >"$CRM_LOCAL_DIR/transfer.ids"
CRM_PASSWORD=$CRM_ADMIN_PASSWORD CRM_TO_PASSWORD=$DEMO_PASSWORD "$BENCH" transfer \
  --target="$GATEWAY" --username=admin --to-username=sales.east --ids="$CRM_LOCAL_DIR/transfer.ids"
wait_index
echo "$N $SEED $gen_version indexed" >"$MARKER"
fi  # SEARCH_ONLY
wait_index
quiesce
customers_total=$(db <<<"SELECT COUNT(*) FROM customers WHERE deleted_at IS NULL")
nq=$(grep -c . "$QUERIES")

load_before_search=$(cut -d' ' -f1-3 /proc/loadavg)
crm_log "(d) SearchCustomers: $nq queries x $REPS passes, per user (load average $load_before_search)"
search_run() {  # label user password
  CRM_PASSWORD=$3 "$BENCH" search --target="$GATEWAY" --queries="$QUERIES" --reps="$REPS" \
    --username="$2" --label="$1" | tee "$CRM_LOCAL_DIR/$1.out"
}
search_run search-admin admin "$CRM_ADMIN_PASSWORD" || true
search_run search-head sales.head "$DEMO_PASSWORD" || true
search_run search-sales sales.east "$DEMO_PASSWORD" || true

if [ "$LIKE_REPS" -gt 0 ]; then
  crm_log "(d) the LIKE scan on the same queries ($LIKE_REPS pass)"
  "$BENCH" like --db-port="$CRM_DB_PORT_LOCAL" --db-user=crm_customer \
    --db-password="$CRM_CUSTOMER_DB_PASSWORD" --queries="$QUERIES" --reps="$LIKE_REPS" \
    --warmup=0 | tee "$CRM_LOCAL_DIR/like.out" || true
else
  rm -f "$CRM_LOCAL_DIR/like.out"
fi

# --- (e) the statements behind the slowest searches, with EXPLAIN -----------------
# The slowest queries of each user's run are searched once more with MariaDB's
# slow log on (every statement over 5 ms, with its plan and r_rows). The log
# threshold is a session value taken at connect time, so the customer service's
# pooled connections are closed first (it reconnects on the next call).
if [ "$EXPLAIN_SLOWEST" -gt 0 ]; then
  crm_log "(e) slow log with EXPLAIN for the $EXPLAIN_SLOWEST slowest queries of each run"
  slow_log="$CRM_LOCAL_DIR/slow-search.log"
  : >"$slow_log"
  db <<SQL
SET GLOBAL slow_query_log_file = '$slow_log';
SET GLOBAL log_slow_verbosity = 'query_plan,explain';
SET GLOBAL long_query_time = 0.005;
SET GLOBAL slow_query_log = 1;
SQL
  for id in $(db <<<"SELECT ID FROM information_schema.PROCESSLIST WHERE USER = 'crm_customer'"); do
    db <<<"KILL CONNECTION $id" 2>/dev/null || true
  done
  explain_run() {  # run user password
    # "max median matches category mode query" lines after the heading.
    awk -v max="$EXPLAIN_SLOWEST" '/slowest queries/ { on = 1; next }
      on && NF >= 6 && $1 ~ /^[0-9.]+$/ && n++ < max { print $4 "\t" $5 "\t" $6 }' \
      "$CRM_LOCAL_DIR/$1.out" >"$CRM_LOCAL_DIR/$1.slowest.tsv"
    CRM_PASSWORD=$3 "$BENCH" search --target="$GATEWAY" --queries="$CRM_LOCAL_DIR/$1.slowest.tsv" \
      --reps=1 --warmup=1 --username="$2" --label="$1-again" >/dev/null || true
  }
  explain_run search-admin admin "$CRM_ADMIN_PASSWORD"
  explain_run search-sales sales.east "$DEMO_PASSWORD"
  db <<<"SET GLOBAL slow_query_log = 0; SET GLOBAL long_query_time = 10"
fi

# --- summary -----------------------------------------------------------------------
rate() { awk -v n="$1" -v s="$2" 'BEGIN { printf "%.0f", (s > 0 ? n / s : 0) }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", (b > 0 ? a / b : 0) }'; }
slowest() {  # the five slowest queries of a run, on one line
  awk '/slowest queries/ { on = 1; next } on && NF >= 6 && $1 ~ /^[0-9.]+$/ && n < 5 { printf "%s%s %s %s", (n++ ? ", " : ""), $1, $3, $6 }' \
    "$CRM_LOCAL_DIR/$1.out" 2>/dev/null
}
search_row() {
  local line
  line=$(grep "^RESULT $1 " "$CRM_LOCAL_DIR/$2.out" 2>/dev/null || true)
  if [ -z "$line" ]; then printf '  %-34s (failed)\n' "$3"; return; fi
  printf '  %-34s %9s %9s %9s   %s calls, %s errors\n' "$3" "$(field p50_ms "$line")" \
    "$(field p99_ms "$line")" "$(field max_ms "$line")" "$(field n "$line")" "$(field errors "$line")"
}
cat <<EOF

================ customer_bench summary ================
N = $N generated customers ($csv_mib MiB CSV, seed $SEED); $customers_total live customers after the import
machine: $(nproc) cores, $(free -g | awk '/Mem:/ { print $2 }') GiB, buffer pool $CRM_MARIADB_BUFFER_POOL; load average before the searches: $load_before_search
EOF
if [ "$SEARCH_ONLY" = 1 ]; then
  echo "SEARCH_ONLY: the import and index of an earlier run; searches only"
else
load_rate=$(rate "$N" "$load_total_s")
load_customers_rate=$(rate "$N" "$load_customers_s")
import_rate=$(rate "$N" "$import_s")
cat <<EOF

import                              seconds     rows/s
  LOAD DATA, customers only        $(printf '%9s %10s' "$load_customers_s" "$load_customers_rate")
  LOAD DATA, customers + contacts  $(printf '%9s %10s' "$load_total_s" "$load_rate")
  ImportCustomers via gateway      $(printf '%9s %10s' "$import_s" "$import_rate")   created $import_created, failed $import_failed
  ratio import / LOAD DATA (customers + contacts): $(ratio "$import_rate" "$load_rate")   (target >= 0.50)
  ratio import / LOAD DATA (customers only):       $(ratio "$import_rate" "$load_customers_rate")
  peak memory (VmHWM) after the import: $import_memory (CSV file: $csv_mib MiB)
  load average at the end of the import: $load_after_import (the search indexer runs meanwhile)

search index: caught up $index_total_s s after the import started, $index_after_s s after it ended
  ($docs documents, ~$postings postings, $index_mib MiB)
EOF
fi
cat <<EOF

search ($nq queries, page_size 20)          p50 ms    p99 ms    max ms
$(search_row search-admin search-admin "SearchCustomers, admin (all)")
$(search_row search-head search-head "SearchCustomers, sales.head (dept)")
$(search_row search-sales search-sales "SearchCustomers, sales.east (own)")
$(search_row like like "LIKE '%q%' scan (no visibility)")
  target: SearchCustomers p99 < 20 ms at 1,000,000 customers
slowest (max ms, matches, query):
  admin:      $(slowest search-admin)
  sales.east: $(slowest search-sales)
outputs: $CRM_LOCAL_DIR/{import,search-admin,search-head,search-sales,like}.out$(
  [ "$EXPLAIN_SLOWEST" -gt 0 ] && printf '\nslow statements with EXPLAIN: %s' "$CRM_LOCAL_DIR/slow-search.log")
EOF

# --- figures for tests/perf/run.sh ---------------------------------------------------
if [ "$SEARCH_ONLY" != 1 ]; then
  perf_figure import "$import_rate" "$load_rate"
  perf_figure search_index_caught_up "$index_total_s" "$import_s"
fi
like_line=$(grep '^RESULT like ' "$CRM_LOCAL_DIR/like.out" 2>/dev/null || true)
for who in admin head sales; do
  line=$(grep "^RESULT search-$who " "$CRM_LOCAL_DIR/search-$who.out" 2>/dev/null || true)
  [ -n "$line" ] || continue
  for p in p50 p99; do
    perf_figure "search.$p.$who" "$(field ${p}_ms "$line")" \
      "$([ -n "$like_line" ] && field ${p}_ms "$like_line")"
  done
done
