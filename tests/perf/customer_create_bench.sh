#!/usr/bin/env bash
# Benchmark: CreateCustomer through the gateway (rate_bench, THREADS callers,
# every call a new customer with its own request id) beside `sysbench
# oltp_insert` (THREADS threads) on the same MariaDB, in alternating rounds,
# medians at the end. Target (issue 18): ≥ 0.5 × oltp_insert.
#
# A customer create is one transaction in the customer service (the duplicate
# checks, the code counter, the row, its change row) after the gateway's token
# check; oltp_insert is one autocommit INSERT of a short row.
#
# Needs a running stack (deploy/local/up.sh --detach; started if the gateway
# does not answer; CRM_LOCAL_DIR and CRM_GATEWAY_PORT name another) and
# sysbench (installed if missing). Everything shares the machine's cores.
#   ROUNDS=3 SECONDS_PER_RUN=10 tests/perf/customer_create_bench.sh
set -euo pipefail
source "$(dirname "$0")/../../deploy/local/lib.sh"
source "$CRM_ROOT/tests/perf/figures.sh"
crm_install_packages sysbench

ROUNDS=${ROUNDS:-3}
RUN_SECONDS=${SECONDS_PER_RUN:-10}
THREADS=${THREADS:-8}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
perf_stack_up rate_bench
socket="$LOCAL_DIR/mariadb/mysqld.sock"
sysbench_db=(--db-driver=mysql --mysql-socket="$socket" --mysql-user=root --mysql-db=crm_bench)
mariadb --no-defaults --socket="$socket" -uroot -e "CREATE DATABASE IF NOT EXISTS crm_bench"

# What one create costs MariaDB, from its own counters around each run: the
# statements (Questions) and the CPU time of the server process, whatever
# sent them (the create itself, the read model and the search index
# following the change feed): the bound this benchmark runs into.
questions() {
  mariadb --no-defaults --socket="$socket" -uroot -N -e \
    "SELECT VARIABLE_VALUE FROM information_schema.GLOBAL_STATUS WHERE VARIABLE_NAME = 'QUESTIONS'"
}
mariadb_pid=$(cat "$LOCAL_DIR/mariadb/mysqld.pid")
mariadb_ticks() { awk '{ print $14 + $15 }' "/proc/$mariadb_pid/stat"; }

for round in $(seq "$ROUNDS"); do
  sysbench oltp_insert "${sysbench_db[@]}" --tables=1 --table-size=0 cleanup >/dev/null 2>&1 || true
  sysbench oltp_insert "${sysbench_db[@]}" --tables=1 --table-size=0 prepare >/dev/null
  insert=$(sysbench oltp_insert "${sysbench_db[@]}" --tables=1 --threads="$THREADS" \
    --time="$RUN_SECONDS" run | perf_sysbench_rate)
  q0=$(questions)
  t0=$(mariadb_ticks)
  CRM_PASSWORD=${BENCH_PASSWORD:-Demo-passw0rd} "$CRM_BUILD_DIR/tests/perf/rate_bench" \
    --mode=create-customers --target="$GATEWAY" --username="${BENCH_USER:-sales.east}" \
    --threads="$THREADS" --seconds="$RUN_SECONDS" | tail -n 1 >"$work/create.txt"
  q1=$(questions)
  t1=$(mariadb_ticks)
  create=$(sed -n 's/.*create_per_s=\([0-9.]*\).*/\1/p' "$work/create.txt")
  cost=$(awk -v q=$((q1 - q0)) -v t=$((t1 - t0)) -v hz="$(getconf CLK_TCK)" -v r="$create" \
    -v s="$RUN_SECONDS" 'BEGIN { n = r * s; printf "%.1f statements and %.0f us of MariaDB CPU per create", q / n, t / hz * 1e6 / n }')
  echo "round $round: CreateCustomer $create/s vs oltp_insert $insert/s; $cost ($(cat "$work/create.txt"))"
  echo "$create $insert" >>"$work/rounds.txt"
done
sysbench oltp_insert "${sysbench_db[@]}" --tables=1 cleanup >/dev/null 2>&1 || true

create=$(awk '{print $1}' "$work/rounds.txt" | perf_median)
insert=$(awk '{print $2}' "$work/rounds.txt" | perf_median)
awk -v c="$create" -v i="$insert" 'BEGIN {
  printf "medians: CreateCustomer via gateway %.0f/s, oltp_insert %.0f/s, ratio %.2f (target >= 0.5)\n", c, i, c / i }'
perf_figure create_customer "$create" "$insert"
