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

source "$ROOT/deploy/local/lib.sh"

# Each pid file names a pid and its start time: a process is signalled only
# while it is that one (a pid reused by another process is left alone).
stop_pids() {  # pid files...
  local f pid starts=() pids=()
  for f in "$@"; do
    [ -f "$f" ] || continue
    if pid=$(crm_pid_running "$f"); then
      starts+=("$(crm_proc_start "$pid")")
      kill -TERM "$pid" 2>/dev/null && pids+=("$pid")
    elif [ "$(wc -w <"$f")" = 1 ] && kill -0 "$(cat "$f")" 2>/dev/null; then
      echo "down.sh: $f holds no start time (an older up.sh wrote it): if pid $(cat "$f") is the CRM's, stop it yourself" >&2
    fi
    rm -f "$f"
  done
  local i
  for _ in $(seq 1 300); do
    local alive=0
    for i in "${!pids[@]}"; do crm_same_process "${pids[$i]}" "${starts[$i]}" && alive=1; done
    [ $alive = 0 ] && return 0
    sleep 0.1
  done
  for i in "${!pids[@]}"; do
    crm_same_process "${pids[$i]}" "${starts[$i]}" && kill -KILL "${pids[$i]}" 2>/dev/null || true
  done
}

if [ -d "$LOCAL_DIR/run" ]; then
  stop_pids "$LOCAL_DIR/run/gateway.pid"
  stop_pids "$LOCAL_DIR"/run/{customer,sales,feedback,org,reporting}.pid
fi
if [ $services_only = 0 ] && [ -d "$LOCAL_DIR/mariadb" ]; then
  "$ROOT/deploy/local/mariadb.sh" stop "$LOCAL_DIR/mariadb"
  echo "CRM stopped."
fi
