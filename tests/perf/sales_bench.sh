#!/usr/bin/env bash
# Benchmark: the sales service's figures beside MariaDB's own, on the same
# server, in alternating rounds of one run, medians at the end:
#   - 5-line CreateOrder through the gateway (sales_bench, CREATE_THREADS
#     callers) against `sysbench oltp_insert` (SYSBENCH_THREADS threads);
#   - ConfirmOrder of one hot product (CONFIRM_THREADS callers at once)
#     against the same number of threads looping one
#     `UPDATE … SET reserved = reserved + 1 WHERE id = 1 AND on_hand - reserved >= 1`
#     (autocommit) in MariaDB: the least a confirmation can cost.
# Targets (issue 13): create ≥ 0.3 × oltp_insert.
#
# Needs the local stack (deploy/local/up.sh --detach; started if the gateway
# does not answer) and sysbench (installed if missing). Everything shares the
# machine's cores: say so when quoting the figures.
#   ROUNDS=3 SECONDS_PER_RUN=10 tests/perf/sales_bench.sh
set -euo pipefail
source "$(dirname "$0")/../../deploy/local/lib.sh"
source "$CRM_ROOT/tests/perf/figures.sh"
crm_install_packages sysbench

GATEWAY=127.0.0.1:${CRM_GATEWAY_PORT:-50051}
LOCAL_DIR=${CRM_LOCAL_DIR:-$CRM_ROOT/.crm-local}
ROUNDS=${ROUNDS:-3}
RUN_SECONDS=${SECONDS_PER_RUN:-10}
CREATE_THREADS=${CREATE_THREADS:-8}
SYSBENCH_THREADS=${SYSBENCH_THREADS:-8}
CONFIRM_THREADS=${CONFIRM_THREADS:-32}
CONFIRM_ORDERS=${CONFIRM_ORDERS:-3000}
CRMCTL="$CRM_BUILD_DIR/tools/crmctl/crmctl"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

cmake --build "$CRM_BUILD_DIR" -j "${CRM_BUILD_JOBS:-2}" --target sales_bench crmctl >/dev/null
if ! "$CRMCTL" wait-serving --target="$GATEWAY" --timeout-s=1 >/dev/null 2>&1; then
  "$CRM_ROOT/deploy/local/up.sh" --detach
fi
set -a
# shellcheck source=/dev/null
source "$LOCAL_DIR/secrets.env"
set +a

socket="$LOCAL_DIR/mariadb/mysqld.sock"
sql() { mariadb --no-defaults --socket="$socket" -uroot "$@"; }
sysbench_db=(--db-driver=mysql --mysql-socket="$socket" --mysql-user=root --mysql-db=crm_bench)
sql -e "CREATE DATABASE IF NOT EXISTS crm_bench"

cat >"$work/hot_row.lua" <<'LUA'
-- One hot stock row: each event reserves one unit in its own transaction.
function thread_init()
  drv = sysbench.sql.driver()
  con = drv:connect()
end
function event()
  con:query("UPDATE hot_stock SET reserved = reserved + 1 WHERE id = 1 AND on_hand - reserved >= 1")
end
function thread_done()
  con:disconnect()
end
LUA

median() { sort -n | awk '{v[NR] = $1} END {print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2}'; }
field() { sed -n "s/.*$1=\([0-9.]*\).*/\1/p"; }

for round in $(seq "$ROUNDS"); do
  # MariaDB: inserts into a fresh sysbench table.
  sysbench oltp_insert "${sysbench_db[@]}" --tables=1 --table-size=0 cleanup >/dev/null 2>&1 || true
  sysbench oltp_insert "${sysbench_db[@]}" --tables=1 --table-size=0 prepare >/dev/null
  sysbench oltp_insert "${sysbench_db[@]}" --tables=1 --threads="$SYSBENCH_THREADS" \
    --time="$RUN_SECONDS" run >"$work/insert.txt"
  insert_rate=$(sed -n 's/.*transactions: *[0-9]* *(\([0-9.]*\) per sec.).*/\1/p' "$work/insert.txt")

  # The sales service.
  CRM_PASSWORD=${BENCH_PASSWORD:-Demo-passw0rd} "$CRM_BUILD_DIR/tests/perf/sales_bench" \
    --target="$GATEWAY" --username="${BENCH_USER:-sales.east}" \
    --admin-password="$CRM_ADMIN_PASSWORD" --seconds="$RUN_SECONDS" \
    --create-threads="$CREATE_THREADS" --confirm-threads="$CONFIRM_THREADS" \
    --confirm-orders="$CONFIRM_ORDERS" | tail -n 1 >"$work/sales.txt"

  # MariaDB: the hot row, as many reservations as the service confirmed.
  sql crm_bench -e "DROP TABLE IF EXISTS hot_stock;
    CREATE TABLE hot_stock (id INT PRIMARY KEY, on_hand BIGINT, reserved BIGINT) ENGINE=InnoDB;
    INSERT INTO hot_stock VALUES (1, 1000000000, 0)"
  sysbench "$work/hot_row.lua" "${sysbench_db[@]}" --threads="$CONFIRM_THREADS" \
    --events="$CONFIRM_ORDERS" --time=0 run >"$work/hot.txt"
  hot_rate=$(sed -n 's/.*transactions: *[0-9]* *(\([0-9.]*\) per sec.).*/\1/p' "$work/hot.txt")
  [ -n "$hot_rate" ] || hot_rate=$(sed -n 's/.*events\/s (eps): *\([0-9.]*\).*/\1/p' "$work/hot.txt")

  create=$(field create_per_s <"$work/sales.txt")
  confirm=$(field confirm_per_s <"$work/sales.txt")
  echo "round $round: create $create/s vs oltp_insert $insert_rate/s; confirm $confirm/s vs hot-row update $hot_rate/s  ($(cat "$work/sales.txt"))"
  echo "$create $insert_rate $confirm $hot_rate" >>"$work/rounds.txt"
done

create_median=$(awk '{print $1}' "$work/rounds.txt" | median)
insert_median=$(awk '{print $2}' "$work/rounds.txt" | median)
confirm_median=$(awk '{print $3}' "$work/rounds.txt" | median)
hot_median=$(awk '{print $4}' "$work/rounds.txt" | median)
awk -v c="$create_median" -v i="$insert_median" -v f="$confirm_median" -v h="$hot_median" 'BEGIN {
  printf "medians of the rounds:\n"
  printf "  5-line CreateOrder via gateway %8.0f/s  oltp_insert %8.0f/s  ratio %.2f (target >= 0.3)\n", c, i, c / i
  printf "  ConfirmOrder, one hot product  %8.0f/s  hot-row UPDATE %6.0f/s  ratio %.2f\n", f, h, f / h
}'
perf_figure order_create "$create_median" "$insert_median"
perf_figure order_confirm_hot "$confirm_median" "$hot_median"
