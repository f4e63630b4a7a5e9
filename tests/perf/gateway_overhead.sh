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
# Needs the local stack (deploy/local/up.sh --detach; it is started if the
# gateway does not answer) and h2load (nghttp2-client, installed if missing).
#   ROUNDS=5 SECONDS_PER_RUN=5 CONCURRENCY="-c 8 -m 4" tests/perf/gateway_overhead.sh
set -euo pipefail
source "$(dirname "$0")/../../deploy/local/lib.sh"
crm_install_packages nghttp2-client python3-grpcio

GATEWAY=127.0.0.1:${CRM_GATEWAY_PORT:-50051}
CUSTOMER=127.0.0.1:${CRM_BACKEND_PORT:-50061}
ROUNDS=${ROUNDS:-5}
RUN_SECONDS=${SECONDS_PER_RUN:-5}
CONCURRENCY=${CONCURRENCY:--c 8 -m 4}
METHOD=/crm.customer.v1.CustomerService/GetCustomer
CRMCTL="$CRM_BUILD_DIR/tools/crmctl/crmctl"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

if ! "$CRMCTL" wait-serving --target="$GATEWAY" --timeout-s=1 >/dev/null 2>&1; then
  "$CRM_ROOT/deploy/local/up.sh" --detach
fi
set -a
# shellcheck source=/dev/null
source "${CRM_LOCAL_DIR:-$CRM_ROOT/.crm-local}/secrets.env"
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

median() { sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }

echo "GetCustomer as $USER_NAME, h2load $CONCURRENCY, $ROUNDS rounds of ${RUN_SECONDS}s each way (customer id $id)"
: >"$work/direct" ; : >"$work/gateway"
for round in $(seq 1 "$ROUNDS"); do
  sign
  run "$CUSTOMER" "${DIRECT_HEADERS[@]}" >>"$work/direct"
  run "$GATEWAY" "${GATEWAY_HEADERS[@]}" >>"$work/gateway"
  printf 'round %d: direct %s req/s, gateway %s req/s\n' "$round" \
    "$(tail -n1 "$work/direct" | cut -d' ' -f1)" "$(tail -n1 "$work/gateway" | cut -d' ' -f1)"
done
for path in direct gateway; do
  printf '%-8s median %8s req/s; CPU per call: customer %sus, gateway %sus, mariadb %sus\n' "$path" \
    "$(cut -d' ' -f1 "$work/$path" | median)" "$(cut -d' ' -f2 "$work/$path" | median)" \
    "$(cut -d' ' -f3 "$work/$path" | median)" "$(cut -d' ' -f4 "$work/$path" | median)"
done
d=$(cut -d' ' -f1 "$work/direct" | median)
g=$(cut -d' ' -f1 "$work/gateway" | median)
awk -v d="$d" -v g="$g" 'BEGIN { printf "gateway / direct = %.2f (target: at least 0.70)\n", g / d }'
