#!/usr/bin/env bash
# End to end on the stack a newcomer runs (deploy/local): up.sh, then
#  1. a rolling restart of all six processes (restart.sh) while a client keeps
#     calling every service through the gateway: no call may fail and every
#     acknowledged write must be there afterwards;
#  2. backup of every schema (deploy/backup/backup.sh), wipe, restore
#     (restore.sh): each schema must be identical to before, row for row, and
#     the restarted stack must serve the same customers.
#
#   tests/e2e/local_stack_test.sh <build-dir>
#
# Ports below 32768, so they never collide with the ephemeral ports the other
# tests pick.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
export CRM_BUILD_DIR=${1:?usage: local_stack_test.sh <build-dir>}
export CRM_LOCAL_DIR
CRM_LOCAL_DIR=$(mktemp -d "${TMPDIR:-/tmp}/crm-local-stack-XXXXXX")
export CRM_GATEWAY_PORT=${CRM_TEST_GATEWAY_PORT:-23151}
export CRM_BACKEND_PORT=${CRM_TEST_BACKEND_PORT:-23161}
export CRM_DB_PORT_LOCAL=${CRM_TEST_DB_PORT:-23131}
SERVICES="customer sales feedback org reporting"
GATEWAY=127.0.0.1:$CRM_GATEWAY_PORT

cleanup() {
  local status=$?
  if [ "$status" != 0 ]; then  # any failure, also a command that stopped set -e
    echo "--- failed ($status); the MariaDB error log ends:" >&2
    tail -n 40 "$CRM_LOCAL_DIR/mariadb/error.log" >&2 || true
  fi
  "$ROOT/deploy/local/down.sh" >/dev/null 2>&1 || true
  rm -rf "$CRM_LOCAL_DIR"
}
trap cleanup EXIT
fail() {
  echo "FAIL: $*" >&2
  tail -n 5 "$CRM_LOCAL_DIR"/logs/*.log >&2 || true
  exit 1
}
step() { echo "--- $*"; }

step "up.sh --detach"
"$ROOT/deploy/local/up.sh" --detach >"$CRM_LOCAL_DIR/up.log" 2>&1 || { cat "$CRM_LOCAL_DIR/up.log"; fail "up.sh"; }
set -a
source "$CRM_LOCAL_DIR/secrets.env"
set +a

step "rolling restart while a client keeps calling"
stop_file="$CRM_LOCAL_DIR/stop-calling"
CRM_PASSWORD=$CRM_ADMIN_PASSWORD "$CRM_BUILD_DIR/tests/perf/keep_calling" --target="$GATEWAY" \
  --threads=4 --stop-file="$stop_file" >"$CRM_LOCAL_DIR/calls.log" 2>&1 &
caller=$!
sleep 1
"$ROOT/deploy/local/restart.sh" || fail "restart.sh"
sleep 1
touch "$stop_file"
wait "$caller" && calls_ok=1 || calls_ok=0
cat "$CRM_LOCAL_DIR/calls.log"
[ "$calls_ok" = 1 ] || fail "calls failed or acknowledged writes are missing during the rolling restart"
grep -q "RESULT calls=[1-9]" "$CRM_LOCAL_DIR/calls.log" || fail "the client made no calls"

list_customers() {
  "$CRM_BUILD_DIR/tools/crmctl/crmctl" list-customers --target="$GATEWAY" --username=admin \
    --password="$CRM_ADMIN_PASSWORD" --page-size=100
}
# Everything in a schema, in primary-key order, without dates of the dump.
canonical_dump() {
  mariadb-dump --no-defaults --socket="$CRM_LOCAL_DIR/mariadb/mysqld.sock" -uroot \
    --skip-extended-insert --order-by-primary --skip-dump-date --skip-comments --hex-blob \
    --routines --triggers "crm_$1"
}
db_env() {  # service -> the settings backup.sh and restore.sh read
  local var="CRM_${1^^}_DB_PASSWORD"
  echo "CRM_DB_PORT=$CRM_DB_PORT_LOCAL CRM_DB_PASSWORD=${!var}"
}

step "backup of every schema, services stopped"
customers_before=$(list_customers)
[ "$(echo "$customers_before" | wc -l)" -ge 20 ] || fail "expected the demo customers and more"
"$ROOT/deploy/local/down.sh" --services-only
mkdir -p "$CRM_LOCAL_DIR/before" "$CRM_LOCAL_DIR/after" "$CRM_LOCAL_DIR/backup"
for svc in $SERVICES; do
  canonical_dump "$svc" >"$CRM_LOCAL_DIR/before/$svc.sql"
  env $(db_env "$svc") "$ROOT/deploy/backup/backup.sh" "$svc" "$CRM_LOCAL_DIR/backup/$svc.sql.gz"
done

step "wipe"
for svc in $SERVICES; do
  echo "DROP DATABASE crm_$svc; CREATE DATABASE crm_$svc CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;"
done | "$ROOT/deploy/local/mariadb.sh" sql "$CRM_LOCAL_DIR/mariadb"
[ "$(echo "SELECT COUNT(*) FROM information_schema.tables WHERE table_schema LIKE 'crm\\_%'" |
  "$ROOT/deploy/local/mariadb.sh" sql "$CRM_LOCAL_DIR/mariadb")" = 0 ] || fail "the wipe left tables"

step "restore and compare"
for svc in $SERVICES; do
  env $(db_env "$svc") "$ROOT/deploy/backup/restore.sh" "$svc" "$CRM_LOCAL_DIR/backup/$svc.sql.gz" --replace
  canonical_dump "$svc" >"$CRM_LOCAL_DIR/after/$svc.sql"
  rows=$(grep -c '^INSERT INTO' "$CRM_LOCAL_DIR/before/$svc.sql" || true)
  diff -q "$CRM_LOCAL_DIR/before/$svc.sql" "$CRM_LOCAL_DIR/after/$svc.sql" >/dev/null ||
    fail "crm_$svc differs after the restore"
  echo "crm_$svc: identical after restore ($rows rows)"
done

step "the restarted stack serves the restored data"
"$ROOT/deploy/local/up.sh" --detach >"$CRM_LOCAL_DIR/up2.log" 2>&1 || { cat "$CRM_LOCAL_DIR/up2.log"; fail "up.sh after the restore"; }
[ "$(list_customers)" = "$customers_before" ] || fail "the customers listed differ after the restore"

step "a damaged backup is refused"
echo "garbage" | gzip >>"$CRM_LOCAL_DIR/backup/org.sql.gz"
if env $(db_env org) "$ROOT/deploy/backup/restore.sh" org "$CRM_LOCAL_DIR/backup/org.sql.gz" --replace 2>/dev/null; then
  fail "restore.sh accepted a file that does not match its checksum"
fi

step "stopped, then pid files naming a process that is not the stack's: left alone"
"$ROOT/deploy/local/down.sh" >/dev/null
# As when a pid is reused: the files name a live process that is not the one
# they were written for (without a start time, or with another one).
sleep 600 &
foreign=$!
echo "$foreign" >"$CRM_LOCAL_DIR/run/customer.pid"
echo "$foreign 1" >"$CRM_LOCAL_DIR/run/sales.pid"
echo "$foreign" >"$CRM_LOCAL_DIR/mariadb/mysqld.pid"
"$ROOT/deploy/local/down.sh" >/dev/null
kill -0 "$foreign" 2>/dev/null || fail "down.sh signalled a process that was not the stack's"
kill "$foreign"
echo "PASS"
