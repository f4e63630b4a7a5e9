#!/usr/bin/env bash
# Benchmark: GetCustomer requests per second through the gateway vs straight to
# the customer service, same concurrency, alternating short runs in one go, and
# where the CPU goes (microseconds of CPU per call for each process).
#
# Through the gateway the call carries a bearer token (checked, permission
# tested, identity signed); straight to the service it carries the identity
# headers the gateway would have added (the service verifies them either way).
# Calls are made as a demo sales person (row-level visibility applies).
#
# Beside them, in the same rounds, MariaDB's own point lookups: `sysbench
# oltp_point_select` (SYSBENCH_THREADS, default 32, as many as h2load keeps in
# flight) on a table of POINT_SELECT_ROWS (1,000,000) rows in the same server
# (0 rows: skipped). Targets (issue 18): gateway ≥ 0.8 × direct, direct ≥
# 0.5 × oltp_point_select.
#
# Needs the local stack (deploy/local/up.sh --detach; it is started if the
# gateway does not answer; CRM_LOCAL_DIR, CRM_GATEWAY_PORT and
# CRM_BACKEND_PORT name another), h2load (nghttp2-client) and sysbench, both
# installed if missing.
#   ROUNDS=5 SECONDS_PER_RUN=5 CONCURRENCY="-c 8 -m 4" tests/perf/gateway_overhead.sh
set -euo pipefail
source "$(dirname "$0")/../../deploy/local/lib.sh"
source "$CRM_ROOT/tests/perf/figures.sh"
crm_install_packages nghttp2-client python3-grpcio sysbench

GATEWAY=127.0.0.1:${CRM_GATEWAY_PORT:-50051}
CUSTOMER=127.0.0.1:${CRM_BACKEND_PORT:-50061}
ROUNDS=${ROUNDS:-5}
RUN_SECONDS=${SECONDS_PER_RUN:-5}
CONCURRENCY=${CONCURRENCY:--c 8 -m 4}
POINT_SELECT_ROWS=${POINT_SELECT_ROWS:-1000000}
SYSBENCH_THREADS=${SYSBENCH_THREADS:-32}
LOCAL_DIR=${CRM_LOCAL_DIR:-$CRM_ROOT/.crm-local}
METHOD=/crm.customer.v1.CustomerService/GetCustomer
CRMCTL="$CRM_BUILD_DIR/tools/crmctl/crmctl"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

if ! "$CRMCTL" wait-serving --target="$GATEWAY" --timeout-s=1 >/dev/null 2>&1; then
  "$CRM_ROOT/deploy/local/up.sh" --detach
fi
set -a
# shellcheck source=/dev/null
source "$LOCAL_DIR/secrets.env"
set +a
USER_NAME=${BENCH_USER:-sales.east}
USER_PASSWORD=${BENCH_PASSWORD:-Demo-passw0rd}
id=$("$CRMCTL" list-customers --target="$GATEWAY" --username="$USER_NAME" \
  --password="$USER_PASSWORD" --page-size=1 | cut -f1)
[ -n "$id" ] || { echo "no customer to read" >&2; exit 1; }
# A token for the gateway, and identity headers for the direct path: those
# are signed for GetCustomer and valid for a minute, so each direct run gets
# fresh ones.
sign() {
  mapfile -t credentials < <("$CRMCTL" token --target="$GATEWAY" --username="$USER_NAME" \
    --password="$USER_PASSWORD" --method="$METHOD")
  GATEWAY_HEADERS=(-H "authorization: Bearer ${credentials[0]}")
  DIRECT_HEADERS=(-H "x-crm-identity-bin: ${credentials[1]}" -H "x-crm-identity-sig-bin: ${credentials[2]}")
}
sign

# The gRPC frame h2load sends: flag byte, big-endian length, GetCustomerRequest{id}.
/usr/bin/python3 "$CRM_ROOT/tests/perf/get_customer_frame.py" "$id" "$work/body.bin"
# h2load counts HTTP 200s; make sure one call really succeeds on both paths.
/usr/bin/python3 - "$CUSTOMER" "$GATEWAY" "$METHOD" "$work/body.bin" "${credentials[@]}" <<'PY'
import base64, grpc, sys
direct, gateway, method, body_file, token, identity, signature = sys.argv[1:]
body = open(body_file, "rb").read()[5:]
grpc.insecure_channel(gateway).unary_unary(method)(
    body, timeout=5, metadata=(("authorization", "Bearer " + token),))
grpc.insecure_channel(direct).unary_unary(method)(
    body, timeout=5, metadata=(("x-crm-identity-bin", base64.b64decode(identity)),
                               ("x-crm-identity-sig-bin", base64.b64decode(signature))))
PY

pid_of() { pgrep -f "$1" | head -n 1; }
pids=("$(pid_of "crm-customer --listen $CUSTOMER")" "$(pid_of "crm-gateway --listen $GATEWAY")" "$(pgrep -o mariadbd)")
cpu_ticks() { for p in "${pids[@]}"; do awk '{print $14 + $15}' "/proc/$p/stat"; done; }
ticks_per_s=$(getconf CLK_TCK)

run() {  # target headers... -> prints "rate cpu_customer_us cpu_gateway_us cpu_mariadb_us"
  local target=$1
  shift
  h2load $CONCURRENCY -t 1 -D "$RUN_SECONDS" --warm-up-time=1 -d "$work/body.bin" \
    -H 'content-type: application/grpc' -H 'te: trailers' "$@" "http://$target$METHOD" \
    >"$work/h2load.txt" 2>&1 &
  local h2=$!
  sleep 1.5
  local before=($(cpu_ticks))
  sleep $((RUN_SECONDS - 1))
  local after=($(cpu_ticks))
  wait $h2
  local rate
  rate=$(grep -oP 'finished in [0-9.]+s, \K[0-9.]+' "$work/h2load.txt")
  grep -q " 0 failed, 0 errored" "$work/h2load.txt" || { cat "$work/h2load.txt" >&2; exit 1; }
  local out="$rate"
  for i in 0 1 2; do
    out+=" $(awk -v d=$((after[i] - before[i])) -v t="$ticks_per_s" -v r="$rate" \
      -v s=$((RUN_SECONDS - 1)) 'BEGIN { printf "%.0f", d / t * 1e6 / (r * s) }')"
  done
  echo "$out"
}

# MariaDB alone: a sysbench table of its own (oltp_insert runs elsewhere use
# crm_bench's), prepared once and kept.
sysbench_db=(--db-driver=mysql --mysql-socket="$LOCAL_DIR/mariadb/mysqld.sock" --mysql-user=root
  --mysql-db=crm_bench_point --tables=1 --table-size="$POINT_SELECT_ROWS")
if [ "$POINT_SELECT_ROWS" -gt 0 ]; then
  sql_root() { mariadb --no-defaults --socket="$LOCAL_DIR/mariadb/mysqld.sock" -uroot -N "$@"; }
  sql_root -e "CREATE DATABASE IF NOT EXISTS crm_bench_point"
  have=$(sql_root -e "SELECT COUNT(*) FROM information_schema.TABLES WHERE TABLE_SCHEMA =
    'crm_bench_point' AND TABLE_NAME = 'sbtest1'")
  if [ "$have" = 0 ] || [ "$(sql_root crm_bench_point -e "SELECT COUNT(*) FROM sbtest1")" != "$POINT_SELECT_ROWS" ]; then
    echo "preparing $POINT_SELECT_ROWS rows for oltp_point_select ..."
    sysbench oltp_point_select "${sysbench_db[@]}" cleanup >/dev/null 2>&1 || true
    sysbench oltp_point_select "${sysbench_db[@]}" prepare >/dev/null
  fi
fi
point_select() {
  sysbench oltp_point_select "${sysbench_db[@]}" --threads="$SYSBENCH_THREADS" \
    --time="$RUN_SECONDS" run | perf_sysbench_rate
}

median() { perf_median; }

echo "GetCustomer as $USER_NAME, h2load $CONCURRENCY, $ROUNDS rounds of ${RUN_SECONDS}s each way (customer id $id)"
: >"$work/direct" ; : >"$work/gateway" ; : >"$work/point_select"
for round in $(seq 1 "$ROUNDS"); do
  sign
  run "$CUSTOMER" "${DIRECT_HEADERS[@]}" >>"$work/direct"
  run "$GATEWAY" "${GATEWAY_HEADERS[@]}" >>"$work/gateway"
  [ "$POINT_SELECT_ROWS" -gt 0 ] && point_select >>"$work/point_select"
  printf 'round %d: direct %s req/s, gateway %s req/s, oltp_point_select %s/s\n' "$round" \
    "$(tail -n1 "$work/direct" | cut -d' ' -f1)" "$(tail -n1 "$work/gateway" | cut -d' ' -f1)" \
    "$(tail -n1 "$work/point_select")"
done
for path in direct gateway; do
  printf '%-8s median %8s req/s; CPU per call: customer %sus, gateway %sus, mariadb %sus\n' "$path" \
    "$(cut -d' ' -f1 "$work/$path" | median)" "$(cut -d' ' -f2 "$work/$path" | median)" \
    "$(cut -d' ' -f3 "$work/$path" | median)" "$(cut -d' ' -f4 "$work/$path" | median)"
done
d=$(cut -d' ' -f1 "$work/direct" | median)
g=$(cut -d' ' -f1 "$work/gateway" | median)
awk -v d="$d" -v g="$g" 'BEGIN { printf "gateway / direct = %.2f (target: at least 0.8)\n", g / d }'
perf_figure get_customer.gateway "$g" "$d"
if [ "$POINT_SELECT_ROWS" -gt 0 ]; then
  p=$(median <"$work/point_select")
  awk -v d="$d" -v p="$p" 'BEGIN { printf "direct / oltp_point_select (%.0f/s) = %.2f (target: at least 0.5)\n", p, d / p }'
  perf_figure get_customer.direct "$d" "$p"
fi
