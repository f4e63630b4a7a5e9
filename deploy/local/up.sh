#!/usr/bin/env bash
# Runs the whole CRM on this machine: installs what is missing (apt), builds,
# starts a private MariaDB, creates each service's schema and user, starts the
# five services and the gateway, waits until every health check says SERVING,
# and loads the demo data.
#
#   deploy/local/up.sh            stay attached; Ctrl-C stops everything
#   deploy/local/up.sh --detach   return once everything is SERVING
#
# Settings (environment):
#   CRM_GATEWAY_PORT    gateway port on 127.0.0.1 (default 50051)
#   CRM_LOCAL_DIR       where data, logs and generated secrets live (default .crm-local)
#   CRM_ADMIN_PASSWORD  the password of the user "admin", set on the first start
#                       (generated and printed when unset)
#   CRM_DB_PORT_LOCAL   private MariaDB port (default 33061)
#   CRM_BACKEND_PORT    first backend port; the five use it and the next four, and
#                       each its port + 10 during a restart (default 50061)
set -euo pipefail
source "$(dirname "$0")/lib.sh"

detach=0
for arg in "$@"; do
  case "$arg" in
    --detach) detach=1 ;;
    -h|--help) sed -n '2,17p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "up.sh: unknown argument $arg" >&2; exit 2 ;;
  esac
done

LOCAL_DIR=${CRM_LOCAL_DIR:-$CRM_ROOT/.crm-local}
GATEWAY_PORT=${CRM_GATEWAY_PORT:-50051}
DB_PORT=${CRM_DB_PORT_LOCAL:-33061}
BACKEND_PORT=${CRM_BACKEND_PORT:-50061}
source "$CRM_ROOT/deploy/local/stack.sh"

crm_install_packages "${CRM_PACKAGES[@]}"
crm_build crm-gateway crm-customer crm-sales crm-feedback crm-org crm-reporting crmctl

mkdir -p "$LOCAL_DIR/logs" "$LOCAL_DIR/run"
chmod 700 "$LOCAL_DIR"
LOCAL_DIR=$(cd "$LOCAL_DIR" && pwd)

# Secrets are generated once and kept out of the repository, readable by the
# owner only; a secret a newer version needs is added to an older file.
secrets="$LOCAL_DIR/secrets.env"
random_secret() { head -c "$1" /dev/urandom | base64 | tr -d '/+=\n'; }
admin_generated=0
ensure_secret() {  # name value
  grep -q "^$1=" "$secrets" 2>/dev/null && return 0
  (umask 077 && echo "$1=$2" >>"$secrets")
  [ "$1" = CRM_ADMIN_PASSWORD ] && [ -z "${CRM_ADMIN_PASSWORD:-}" ] && admin_generated=1
  return 0
}
for svc in "${CRM_LOCAL_SERVICES[@]}"; do ensure_secret "CRM_${svc^^}_DB_PASSWORD" "$(random_secret 18)"; done
ensure_secret CRM_IDENTITY_KEY "$(random_secret 36)"
ensure_secret CRM_TOKEN_SECRET "$(random_secret 36)"
ensure_secret CRM_ADMIN_PASSWORD "${CRM_ADMIN_PASSWORD:-$(random_secret 12)}"
chmod 600 "$secrets"
set -a
# shellcheck source=/dev/null
source "$secrets"
set +a

crm_log "starting MariaDB on 127.0.0.1:$DB_PORT"
"$CRM_ROOT/deploy/local/mariadb.sh" start "$LOCAL_DIR/mariadb" "$DB_PORT"
"$CRM_ROOT/deploy/local/mariadb.sh" provision "$LOCAL_DIR/mariadb"

# A previous run's processes are replaced (they may be from an older build).
"$CRM_ROOT/deploy/local/down.sh" --services-only

# restart.sh reads the ports from here.
cat >"$LOCAL_DIR/run/stack.env" <<PORTS
GATEWAY_PORT=$GATEWAY_PORT
DB_PORT=$DB_PORT
BACKEND_PORT=$BACKEND_PORT
PORTS
rm -f "$LOCAL_DIR"/run/*.port
for name in "${CRM_LOCAL_SERVICES[@]}" gateway; do
  crm_local_home_port "$name" >"$LOCAL_DIR/run/$name.port"
  crm_pid_record "$(crm_local_start "$name" "$(crm_local_port "$name")")" >"$LOCAL_DIR/run/$name.pid"
done

# A service reports SERVING once its migrations are applied; one over
# millions of rows takes minutes (reporting's V0007: 97 s at 5,000,000 lines).
UP_TIMEOUT_S=${CRM_UP_TIMEOUT_S:-60}
crm_log "waiting for every service to report SERVING"
if ! "$CRM_BUILD_DIR/tools/crmctl/crmctl" wait-serving --target="127.0.0.1:$GATEWAY_PORT" \
    --services="$(IFS=,; echo "${CRM_LOCAL_SERVICE_NAMES[*]}")" --timeout-s="$UP_TIMEOUT_S"; then
  echo "up.sh: the system did not come up within $UP_TIMEOUT_S s; logs are in $LOCAL_DIR/logs" >&2
  echo "  (a migration over a large database can take minutes: CRM_UP_TIMEOUT_S waits longer)" >&2
  tail -n 5 "$LOCAL_DIR"/logs/*.log >&2 || true
  exit 1
fi
"$CRM_BUILD_DIR/tools/crmctl/crmctl" load-demo --target="127.0.0.1:$GATEWAY_PORT"

cat <<INFO

CRM is up. Gateway: 127.0.0.1:$GATEWAY_PORT (gRPC, plaintext, reflection on)
  backends: customer $BACKEND_PORT, sales $((BACKEND_PORT + 1)), feedback $((BACKEND_PORT + 2)), org $((BACKEND_PORT + 3)), reporting $((BACKEND_PORT + 4))
            (restart.sh moves each to its port + 10 and back)
  metrics:  http://127.0.0.1:<port + 1000>/metrics for every process, e.g.
            gateway http://127.0.0.1:$((GATEWAY_PORT + 1000))/metrics, customer http://127.0.0.1:$((BACKEND_PORT + 1000))/metrics
  MariaDB:  127.0.0.1:$DB_PORT (data in $LOCAL_DIR/mariadb)
  logs:     $LOCAL_DIR/logs/<process>.log (one JSON object per line)
  secrets:  $secrets
  restart:  deploy/local/restart.sh [process...] (rolling: each replaced while it serves)
  stop:     deploy/local/down.sh
INFO
if [ "$admin_generated" = 1 ]; then
  echo "  log in:   admin / $CRM_ADMIN_PASSWORD (generated; kept in secrets.env)"
else
  echo "  log in:   admin (password: CRM_ADMIN_PASSWORD, kept in secrets.env)"
fi

if [ "$detach" = 1 ]; then
  exit 0
fi
trap '"$CRM_ROOT/deploy/local/down.sh"; exit 0' INT TERM
echo "Attached: following the gateway's log; Ctrl-C stops everything."
tail -n 0 -F "$LOCAL_DIR/logs/gateway.log" &
wait
