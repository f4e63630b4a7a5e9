#!/usr/bin/env bash
# One command for the whole CRM's performance table (issue 18): builds,
# starts a private stack (its own directory, ports and MariaDB, the local dev
# stack is left alone), generates the data, runs every benchmark under
# tests/perf against it, and prints the figures each beside the baseline
# that bounds it, measured in the same run on the same MariaDB, with the
# targets (tests/perf/figures_table.py), as a Markdown table and as JSON.
#
# In order (each step's output in OUT_DIR/STEP.log):
#   customers  customer_bench.sh: N customers generated, LOAD DATA beside
#              ImportCustomers, the search index catching up, SearchCustomers
#              p50/p99 as three callers beside LIKE '%q%'; RSS when idle
#   GetCustomer  gateway_overhead.sh: through the gateway, straight to the
#              service (h2load, 32 in flight) and oltp_point_select
#   creates    customer_create_bench.sh: CreateCustomer beside oltp_insert
#   sales      sales_bench.sh: 5-line orders beside oltp_insert, hot-product
#              confirmations beside the hot-row UPDATE loop
#   feedback   feedback_bench.sh: 200,000 requests, create/list p99 beside the
#              page's indexed SELECT
#   announcements  announcement_pull_bench.sh: 100,000 changes pulled beside
#              one SELECT
#   reports    reporting_bench.sh: 1,000,000 orders of 5 lines, each report
#              beside its GROUP BY, the export beside INTO OUTFILE with the
#              process's memory, the feed lag at 200 writes a second
#   then every process's peak RSS over the whole run.
# The read model and the search index are caught up before each measurement
# after the loads, so no step pays for another's background work.
#
# The build is the project's usual one (RelWithDebInfo: -O2, as a release,
# with symbols so perf can profile what is measured). Everything, load
# generators included, shares the machine's cores: the JSON says how many.
#
#   tests/perf/run.sh                     # the issue's scale: about 45-60 minutes
#   PERF_SCALE=smoke tests/perf/run.sh    # every step at a small scale, minutes
#
# Settings: PERF_SCALE (full|smoke), OUT_DIR (default perf-results/DATE-TIME),
# STEPS (a subset of the step names above, space separated), KEEP_STACK=1
# (leave the stack running; stop it with CRM_LOCAL_DIR=… deploy/local/down.sh),
# CRM_LOCAL_DIR (default /tmp/crm-perf; recreated), CRM_GATEWAY_PORT,
# CRM_BACKEND_PORT, CRM_DB_PORT_LOCAL (default 50251, 50261, 33261).
set -euo pipefail
source "$(dirname "$0")/../../deploy/local/lib.sh"
source "$CRM_ROOT/tests/perf/figures.sh"

SCALE=${PERF_SCALE:-full}
STEPS=" ${STEPS:-customers GetCustomer creates sales feedback announcements reports} "
export CRM_LOCAL_DIR=${CRM_LOCAL_DIR:-/tmp/crm-perf}
export CRM_GATEWAY_PORT=${CRM_GATEWAY_PORT:-50251}
export CRM_BACKEND_PORT=${CRM_BACKEND_PORT:-50261}
export CRM_DB_PORT_LOCAL=${CRM_DB_PORT_LOCAL:-33261}
export CRM_ORG_ADDR=127.0.0.1:$((CRM_BACKEND_PORT + 3))
export CRM_UP_TIMEOUT_S=${CRM_UP_TIMEOUT_S:-900}
export CRM_BUILD_DIR
OUT_DIR=${OUT_DIR:-$CRM_ROOT/perf-results/$(date +%Y%m%d-%H%M%S)}
mkdir -p "$OUT_DIR"
export CRM_PERF_FIGURES="$OUT_DIR/figures.tsv"
: >"$CRM_PERF_FIGURES"

case "$SCALE" in
  full)
    customers=(N=1000000 REPS=3 LIKE_REPS=1)
    rounds=(ROUNDS=3 SECONDS_PER_RUN=10)
    get_customer=(ROUNDS=5 SECONDS_PER_RUN=5)
    feedback=(ROWS=200000)
    announcements=(CHANGES=100000 REPS=5)
    reports=(ORDERS=1000000 REPS=3 LAG_SECONDS=60)
    ;;
  smoke)
    customers=(N=20000 REPS=1 LIKE_REPS=1)
    rounds=(ROUNDS=1 SECONDS_PER_RUN=3)
    get_customer=(ROUNDS=1 SECONDS_PER_RUN=3 POINT_SELECT_ROWS=100000)
    feedback=(ROWS=20000)
    announcements=(CHANGES=10000 REPS=1)
    reports=(ORDERS=20000 REPS=1 LAG_SECONDS=10)
    ;;
  *) echo "run.sh: PERF_SCALE is full or smoke, not '$SCALE'" >&2; exit 2 ;;
esac

crm_install_packages "${CRM_PACKAGES[@]}" "${CRM_TEST_PACKAGES[@]}" sysbench nghttp2-client
crm_build crm-gateway crm-customer crm-sales crm-feedback crm-org crm-reporting crmctl \
  customer_bench rate_bench sales_bench feedback_bench reporting_bench >"$OUT_DIR/build.log"
if [ "${KEEP_STACK:-0}" != 1 ]; then
  trap '"$CRM_ROOT/deploy/local/down.sh" >/dev/null 2>&1 || true' EXIT
fi

failed=()
step_times=()
# step NAME COMMAND...: runs one benchmark (when STEPS names it), its output
# in OUT_DIR/NAME.log and on the terminal; a failed step is reported at the
# end and the others still run.
step() {
  [[ $STEPS == *" $1 "* ]] || return 0
  logged "$@"
}
logged() {  # NAME COMMAND...: as step, whatever STEPS says
  local name=$1
  shift
  crm_log "$name: $*"
  local started=$SECONDS
  if ! "$@" 2>&1 | tee "$OUT_DIR/$name.log"; then failed+=("$name"); fi
  step_times+=("$name=$((SECONDS - started))s")
}
# Waits until the read model has applied every feed (its loads run in the
# background otherwise, on the cores the next measurement uses).
read_model_caught_up() {
  # shellcheck source=/dev/null
  source "$CRM_LOCAL_DIR/secrets.env"
  CRM_PASSWORD=$CRM_ADMIN_PASSWORD "$CRM_BUILD_DIR/tests/perf/reporting_bench" \
    --target="127.0.0.1:$CRM_GATEWAY_PORT" --username=admin --mode=wait
}

started=$SECONDS
# customer_bench.sh makes the stack: a fresh database in CRM_LOCAL_DIR.
if [[ $STEPS == *" customers "* ]]; then
  step customers env KEEP_STACK=1 EXPLAIN_SLOWEST=0 "${customers[@]}" \
    "$CRM_ROOT/tests/perf/customer_bench.sh"
else
  "$CRM_ROOT/deploy/local/up.sh" --detach >"$OUT_DIR/up.log"
fi
logged catch-up read_model_caught_up
step GetCustomer env "${get_customer[@]}" "$CRM_ROOT/tests/perf/gateway_overhead.sh"
step creates env "${rounds[@]}" "$CRM_ROOT/tests/perf/customer_create_bench.sh"
step sales env "${rounds[@]}" "$CRM_ROOT/tests/perf/sales_bench.sh"
step feedback env "${rounds[@]}" "${feedback[@]}" "$CRM_ROOT/tests/perf/feedback_bench.sh"
step announcements env "${announcements[@]}" "$CRM_ROOT/tests/perf/announcement_pull_bench.sh"
step reports env "${reports[@]}" STEPS="reports export lag" "$CRM_ROOT/tests/perf/reporting_bench.sh"
perf_rss_figures peak "$CRM_LOCAL_DIR" >/dev/null

total_s=$((SECONDS - started))
echo
echo "================ tests/perf/run.sh ($SCALE scale, $(date -u +%FT%TZ)) ================"
/usr/bin/python3 "$CRM_ROOT/tests/perf/figures_table.py" "$CRM_PERF_FIGURES" "$OUT_DIR/figures.json" \
  scale="$SCALE" commit="$(git -C "$CRM_ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)" \
  cores="$(nproc)" memory_gib="$(free -g | awk '/Mem:/ { print $2 }')" \
  shared="everything (MariaDB, the six processes, the load generators) on the same cores" \
  seconds="$total_s" steps="${step_times[*]}" failed="${failed[*]:-}" | tee "$OUT_DIR/table.md"
echo "steps: ${step_times[*]}; $total_s s in all; logs, table.md and figures.json in $OUT_DIR"
if [ ${#failed[@]} -gt 0 ]; then
  echo "FAILED steps: ${failed[*]} (see their logs)" >&2
  exit 1
fi
