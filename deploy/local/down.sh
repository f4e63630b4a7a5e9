#!/usr/bin/env bash
# Stops what deploy/local/up.sh started: the gateway, the five services (each
# drains on SIGTERM), then MariaDB. Data stays in CRM_LOCAL_DIR; delete that
# directory to start from scratch.
#   --services-only   leave MariaDB running
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
LOCAL_DIR=${CRM_LOCAL_DIR:-$ROOT/.crm-local}
services_only=0
[ "${1:-}" = "--services-only" ] && services_only=1

stop_pids() {  # pid files...
  local f pid pids=()
  for f in "$@"; do
    [ -f "$f" ] || continue
    pid=$(cat "$f")
    if kill -0 "$pid" 2>/dev/null; then
      kill -TERM "$pid" 2>/dev/null && pids+=("$pid")
    fi
    rm -f "$f"
  done
  for _ in $(seq 1 300); do
    local alive=0
    for pid in "${pids[@]}"; do kill -0 "$pid" 2>/dev/null && alive=1; done
    [ $alive = 0 ] && return 0
    sleep 0.1
  done
  for pid in "${pids[@]}"; do kill -KILL "$pid" 2>/dev/null || true; done
}

if [ -d "$LOCAL_DIR/run" ]; then
  stop_pids "$LOCAL_DIR/run/gateway.pid"
  stop_pids "$LOCAL_DIR"/run/{customer,sales,feedback,org,reporting}.pid
fi
if [ $services_only = 0 ] && [ -d "$LOCAL_DIR/mariadb" ]; then
  "$ROOT/deploy/local/mariadb.sh" stop "$LOCAL_DIR/mariadb"
  echo "CRM stopped."
fi
