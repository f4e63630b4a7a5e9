#!/usr/bin/env bash
# Rolling restart of the stack deploy/local/up.sh started, the way Kubernetes
# rolls a Deployment: for each process in turn, a new copy starts (a backend
# on its other port, the gateway on the same port through SO_REUSEPORT), and
# only once it serves, and its clients are connected to it, does the old one
# get SIGTERM: it reports NOT_SERVING, so health-checking clients stop sending
# to it, finishes what it has, and exits. Rebuild first to roll out new code.
#
#   deploy/local/restart.sh                 every backend, then the gateway
#   deploy/local/restart.sh customer org    just these, in this order
set -euo pipefail
source "$(dirname "$0")/lib.sh"

LOCAL_DIR=${CRM_LOCAL_DIR:-$CRM_ROOT/.crm-local}
[ -f "$LOCAL_DIR/run/stack.env" ] || { echo "restart.sh: no stack in $LOCAL_DIR (run up.sh)" >&2; exit 1; }
source "$LOCAL_DIR/run/stack.env"
set -a
source "$LOCAL_DIR/secrets.env"
set +a
source "$CRM_ROOT/deploy/local/stack.sh"

alive() { kill -0 "$1" 2>/dev/null; }

# True once pid has a listening socket on port (ss shows our own processes).
listening() {  # pid port
  ss -Hltnp "sport = :$2" 2>/dev/null | grep -q "pid=$1,"
}

# Client connections to a local port.
connections_to() { ss -Htn state established "dport = :$1" 2>/dev/null | wc -l; }

restart_one() {
  local name=$1 old_port new_port old new started
  old_port=$(crm_local_port "$name")
  new_port=$(crm_local_next_port "$name")
  old=$(crm_pid_running "$LOCAL_DIR/run/$name.pid" || true)
  old_start=$(crm_proc_start "${old:-0}" || true)
  started=$(date +%s%N)
  new=$(crm_local_start "$name" "$new_port")
  for _ in $(seq 1 600); do
    listening "$new" "$new_port" && break
    alive "$new" || { echo "restart.sh: the new $name exited; the old one keeps serving (see $LOCAL_DIR/logs/$name.log)" >&2; return 1; }
    sleep 0.1
  done
  listening "$new" "$new_port" || { kill -TERM "$new"; echo "restart.sh: the new $name did not listen within 60 s" >&2; return 1; }
  # A backend listens at once and turns ready once migrated (its own port
  # tells: no other process is on it).
  if [ "$name" != gateway ] &&
     ! "$CRM_BUILD_DIR/tools/crmctl/crmctl" wait-serving --target="127.0.0.1:$new_port" --timeout-s=60 >/dev/null; then
    kill -TERM "$new"; echo "restart.sh: the new $name did not become ready within 60 s" >&2; return 1
  fi
  crm_pid_record "$new" >"$LOCAL_DIR/run/$name.pid"
  echo "$new_port" >"$LOCAL_DIR/run/$name.port"
  # Its clients retry the other address with a backoff of up to about 2.5 s:
  # let every one that is connected to the old copy connect to the new one
  # before the old one stops taking calls.
  if [ "$new_port" != "$old_port" ]; then
    for _ in $(seq 1 100); do
      [ "$(connections_to "$new_port")" -ge "$(connections_to "$old_port")" ] && break
      sleep 0.1
    done
  fi
  # The old pid is signalled only while it is still the old process.
  if [ -n "$old" ] && crm_same_process "$old" "$old_start"; then
    kill -TERM "$old"
    for _ in $(seq 1 600); do crm_same_process "$old" "$old_start" || break; sleep 0.1; done
    crm_same_process "$old" "$old_start" &&
      { echo "restart.sh: the old $name did not stop within 60 s; killing it" >&2; kill -KILL "$old"; }
  fi
  printf 'restarted %-9s pid %s -> %s, port %s -> %s, in %d ms\n' "$name" "${old:-none}" "$new" \
    "$old_port" "$new_port" $(( ($(date +%s%N) - started) / 1000000 ))
}

names=("$@")
[ ${#names[@]} -gt 0 ] || names=("${CRM_LOCAL_SERVICES[@]}" gateway)
for name in "${names[@]}"; do
  crm_local_home_port "$name" >/dev/null
  restart_one "$name"
done
