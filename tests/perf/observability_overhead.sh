#!/usr/bin/env bash
# Benchmark: what metrics and trace context cost. GetCustomer through the
# gateway with h2load, against two stacks side by side on this machine: one
# built from BASE_REF (a commit without them) and one from the working tree,
# in alternating runs, then the median requests per second of each and their
# ratio. Every request carries a traceparent, so the current build parses it,
# logs under it and passes a span on; both count nothing else differently.
#
#   git worktree add /tmp/crm-base <commit without them>
#   cmake -S /tmp/crm-base -B /tmp/crm-base/build && cmake --build /tmp/crm-base/build \
#     --target crm-gateway crm-customer crm-sales crm-feedback crm-org crm-reporting crmctl
#   BASE_SOURCE_DIR=/tmp/crm-base ROUNDS=7 SECONDS_PER_RUN=5 tests/perf/observability_overhead.sh
#
# BASE_SOURCE_DIR: a checkout of the commit to compare with, built in its
# build/ (BASE_BUILD_DIR to build elsewhere); its own up.sh starts it.
set -euo pipefail
source "$(dirname "$0")/../../deploy/local/lib.sh"
crm_install_packages nghttp2-client
: "${BASE_SOURCE_DIR:?set BASE_SOURCE_DIR to a checkout of the commit without metrics}"
BASE_BUILD_DIR=${BASE_BUILD_DIR:-$BASE_SOURCE_DIR/build}
ROUNDS=${ROUNDS:-7}
RUN_SECONDS=${SECONDS_PER_RUN:-5}
CONCURRENCY=${CONCURRENCY:--c 8 -m 4}
METHOD=/crm.customer.v1.CustomerService/GetCustomer
work=$(mktemp -d /tmp/crm-overhead-XXXXXX)

# name source_dir build_dir gateway_port backend_port db_port
start_stack() {
  CRM_BUILD_DIR=$3 CRM_LOCAL_DIR="$work/$1" CRM_GATEWAY_PORT=$4 CRM_BACKEND_PORT=$5 \
    CRM_DB_PORT_LOCAL=$6 "$2/deploy/local/up.sh" --detach >"$work/$1.up.log" 2>&1
}
stop_stacks() {
  CRM_LOCAL_DIR="$work/base" "$BASE_SOURCE_DIR/deploy/local/down.sh" >/dev/null 2>&1 || true
  CRM_LOCAL_DIR="$work/current" "$CRM_ROOT/deploy/local/down.sh" >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap stop_stacks EXIT

start_stack base "$BASE_SOURCE_DIR" "$BASE_BUILD_DIR" 24051 24061 24031
start_stack current "$CRM_ROOT" "$CRM_BUILD_DIR" 25051 25061 25031

# A token and the request body for one stack: name gateway_port build_dir
prepare() {
  local crmctl="$3/tools/crmctl/crmctl" id token
  id=$("$crmctl" list-customers --target="127.0.0.1:$2" --username=sales.east \
    --password=Demo-passw0rd --page-size=1 | cut -f1)
  # (crmctl token also prints the identity headers: it needs the stack's key.)
  token=$(CRM_IDENTITY_KEY=$(sed -n 's/^CRM_IDENTITY_KEY=//p' "$work/$1/secrets.env") \
    "$crmctl" token --target="127.0.0.1:$2" --username=sales.east --password=Demo-passw0rd | head -1)
  echo "$token" >"$work/$1.token"
  /usr/bin/python3 "$CRM_ROOT/tests/perf/get_customer_frame.py" "$id" "$work/$1.body"
}
prepare base 24051 "$BASE_BUILD_DIR"
prepare current 25051 "$CRM_BUILD_DIR"

run() {  # name port -> requests per second
  # shellcheck disable=SC2086
  h2load $CONCURRENCY -t 1 -D "$RUN_SECONDS" --warm-up-time=1 -d "$work/$1.body" \
    -H 'content-type: application/grpc' -H 'te: trailers' \
    -H "authorization: Bearer $(cat "$work/$1.token")" \
    -H 'traceparent: 00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01' \
    "http://127.0.0.1:$2$METHOD" | awk '/^finished in/ {print $4}'
}
median() { sort -n | awk '{v[NR]=$1} END {print (NR%2) ? v[(NR+1)/2] : (v[NR/2]+v[NR/2+1])/2}'; }

: >"$work/base.rates"
: >"$work/current.rates"
for round in $(seq 1 "$ROUNDS"); do
  # Alternate which goes first, so drift on the machine hits both alike.
  if [ $((round % 2)) = 1 ]; then order="base current"; else order="current base"; fi
  for name in $order; do
    port=24051
    [ "$name" = current ] && port=25051
    rate=$(run "$name" "$port")
    echo "round $round $name $rate req/s"
    echo "$rate" >>"$work/$name.rates"
  done
done
base=$(median <"$work/base.rates")
current=$(median <"$work/current.rates")
echo "RESULT base_median_rps=$base current_median_rps=$current ratio=$(awk -v a="$current" -v b="$base" 'BEGIN {printf "%.3f", a / b}')"
