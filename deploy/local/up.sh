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
#   CRM_BACKEND_PORT    first backend port; the five use it and the next four (default 50061)
set -euo pipefail
source "$(dirname "$0")/lib.sh"

detach=0
for arg in "$@"; do
  case "$arg" in
    --detach) detach=1 ;;
    -h|--help) sed -n '2,19p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "up.sh: unknown argument $arg" >&2; exit 2 ;;
  esac
done

LOCAL_DIR=${CRM_LOCAL_DIR:-$CRM_ROOT/.crm-local}
GATEWAY_PORT=${CRM_GATEWAY_PORT:-50051}
DB_PORT=${CRM_DB_PORT_LOCAL:-33061}
BACKEND_PORT=${CRM_BACKEND_PORT:-50061}
SERVICES=(customer sales feedback org reporting)
declare -A SERVICE_NAMES=(
  [customer]=crm.customer.v1.CustomerService [sales]=crm.sales.v1.SalesService
  [feedback]=crm.feedback.v1.FeedbackService [org]=crm.org.v1.OrgService
  [reporting]=crm.reporting.v1.ReportingService)

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
for svc in "${SERVICES[@]}"; do ensure_secret "CRM_${svc^^}_DB_PASSWORD" "$(random_secret 18)"; done
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

# No load balancer routes to the local processes, so a long drain would only
# slow down restarts.
export CRM_DRAIN_MS=${CRM_DRAIN_MS:-500}

start_process() {  # name binary args...
  local name=$1; shift
  nohup setsid "$@" >>"$LOCAL_DIR/logs/$name.log" 2>&1 </dev/null &
  echo $! >"$LOCAL_DIR/run/$name.pid"
}

gateway_flags=()
org_port=$((BACKEND_PORT + 3))  # the order of SERVICES: customer sales feedback org reporting
for i in "${!SERVICES[@]}"; do
  svc=${SERVICES[$i]}
  port=$((BACKEND_PORT + i))
  password_var="CRM_${svc^^}_DB_PASSWORD"
  extra=()
  # The customer service follows the org service (employees, settings, feed).
  [ "$svc" = customer ] && extra=(--org-addr "127.0.0.1:$org_port")
  CRM_DB_PASSWORD=${!password_var} start_process "$svc" \
    "$CRM_BUILD_DIR/services/crm-$svc" --listen "127.0.0.1:$port" --db-port "$DB_PORT" "${extra[@]}"
  gateway_flags+=("--$svc-addr=127.0.0.1:$port")
done
start_process gateway "$CRM_BUILD_DIR/services/gateway/crm-gateway" \
  --listen "127.0.0.1:$GATEWAY_PORT" "${gateway_flags[@]}"

crm_log "waiting for every service to report SERVING"
if ! "$CRM_BUILD_DIR/tools/crmctl/crmctl" wait-serving --target="127.0.0.1:$GATEWAY_PORT" \
    --services="$(IFS=,; echo "${SERVICE_NAMES[*]}")" --timeout-s=60; then
  echo "up.sh: the system did not come up; logs are in $LOCAL_DIR/logs" >&2
  tail -n 5 "$LOCAL_DIR"/logs/*.log >&2 || true
  exit 1
fi
"$CRM_BUILD_DIR/tools/crmctl/crmctl" load-demo --target="127.0.0.1:$GATEWAY_PORT"

cat <<INFO

CRM is up. Gateway: 127.0.0.1:$GATEWAY_PORT (gRPC, plaintext, reflection on)
  backends: customer $BACKEND_PORT, sales $((BACKEND_PORT + 1)), feedback $((BACKEND_PORT + 2)), org $((BACKEND_PORT + 3)), reporting $((BACKEND_PORT + 4))
  MariaDB:  127.0.0.1:$DB_PORT (data in $LOCAL_DIR/mariadb)
  logs:     $LOCAL_DIR/logs/<process>.log (one JSON object per line)
  secrets:  $secrets
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
