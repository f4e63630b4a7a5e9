#!/usr/bin/env bash
# Rolling restarts under load on the running local stack (deploy/local/up.sh):
# keep_calling calls every service through the gateway with THREADS callers
# while deploy/local/restart.sh replaces all six processes ROUNDS times; then
# it reads back every write it was told succeeded. Prints the client's RESULT
# line (calls, failed, lost writes, latency) and exits non-zero on any failure.
#
#   ROUNDS=3 THREADS=4 tests/perf/rolling_restart.sh
#   CAREFUL=false ...   the client without health checks or wait-for-ready, to
#                       see what a plain client meets while the gateway restarts
set -euo pipefail
source "$(dirname "$0")/../../deploy/local/lib.sh"
LOCAL_DIR=${CRM_LOCAL_DIR:-$CRM_ROOT/.crm-local}
ROUNDS=${ROUNDS:-3}
THREADS=${THREADS:-4}
CAREFUL=${CAREFUL:-true}
[ -f "$LOCAL_DIR/run/stack.env" ] || { echo "rolling_restart.sh: start the stack first: deploy/local/up.sh --detach" >&2; exit 1; }
source "$LOCAL_DIR/run/stack.env"
crm_build keep_calling >/dev/null
set -a
source "$LOCAL_DIR/secrets.env"
set +a

stop_file=$(mktemp -u)
trap 'touch "$stop_file"; rm -f "$stop_file"' EXIT
CRM_PASSWORD=$CRM_ADMIN_PASSWORD "$CRM_BUILD_DIR/tests/perf/keep_calling" \
  --target="127.0.0.1:$GATEWAY_PORT" --threads="$THREADS" --careful="$CAREFUL" --stop-file="$stop_file" &
caller=$!
sleep 2
for round in $(seq 1 "$ROUNDS"); do
  echo "round $round of $ROUNDS"
  "$CRM_ROOT/deploy/local/restart.sh"
done
sleep 2
touch "$stop_file"
wait "$caller"
