#!/usr/bin/env bash
# Benchmark: the pool's daily recycle over CUSTOMERS (1,000,000) owned
# customers of level "normal", one in ten due (taken 60 days ago with no
# follow-up since; the rest within the last 20 days), under a 30-day rule,
# in rounds, medians at the end:
#   - the dry run (who would go back tomorrow) and the run itself, through
#     the gateway, against MariaDB alone selecting the due rows by the
#     indexed clock;
#   - claims of 200 pool customers by a sales person (claim, release, one
#     caller) before the run and during it: whether the run holds them up.
#
# The rows are bulk-loaded in SQL (copies of a demo customer), since making a
# million through the API is not what is measured; each round first makes the
# recycled ones owned and due again. Needs the local stack
# (deploy/local/up.sh --detach; started if the gateway does not answer);
# everything shares the machine's cores.
#   ROUNDS=3 tests/perf/pool_recycle_bench.sh
set -euo pipefail
source "$(dirname "$0")/../../deploy/local/lib.sh"

GATEWAY=127.0.0.1:${CRM_GATEWAY_PORT:-50051}
LOCAL_DIR=${CRM_LOCAL_DIR:-$CRM_ROOT/.crm-local}
ROUNDS=${ROUNDS:-3}
CUSTOMERS=${CUSTOMERS:-1000000}
POOL=200
CRMCTL="$CRM_BUILD_DIR/tools/crmctl/crmctl"

cmake --build "$CRM_BUILD_DIR" -j "${CRM_BUILD_JOBS:-2}" --target pool_recycle_bench crmctl >/dev/null
if ! "$CRMCTL" wait-serving --target="$GATEWAY" --timeout-s=1 >/dev/null 2>&1; then
  "$CRM_ROOT/deploy/local/up.sh" --detach
fi
set -a
# shellcheck source=/dev/null
source "$LOCAL_DIR/secrets.env"
set +a

socket="$LOCAL_DIR/mariadb/mysqld.sock"
sql() { mariadb --no-defaults --socket="$socket" -uroot -N crm_customer "$@"; }

# Copies of the first demo customer: `prefix` codes, `count` rows, each row's
# owner and ownership start given as SQL over s.seq.
copy_customers() {
  local prefix=$1 count=$2 owner=$3 since=$4
  local columns select=""
  columns=$(sql -e "SELECT GROUP_CONCAT(column_name ORDER BY ordinal_position)
    FROM information_schema.columns WHERE table_schema = 'crm_customer'
    AND table_name = 'customers' AND column_name <> 'id' AND extra NOT LIKE '%GENERATED%'")
  for column in ${columns//,/ }; do
    case $column in
      code) value="CONCAT('$prefix', LPAD(s.seq, 9, '0'))" ;;
      name | name_key) value="CONCAT('回收基准客户$prefix', s.seq)" ;;
      tax_id | credit_code | create_request_id | deleted_at | last_follow_up_at | last_won_at)
        value=NULL ;;
      phone_key) value="''" ;;
      level_code) value="'normal'" ;;
      owner_id) value="$owner" ;;
      created_at | updated_at | last_activity_at | owned_since) value="$since" ;;
      *) value="t.$column" ;;
    esac
    select+="${select:+, }$value"
  done
  sql -e "INSERT INTO customers ($columns) SELECT $select FROM seq_1_to_$count s
    CROSS JOIN (SELECT * FROM customers WHERE code NOT LIKE 'P%' ORDER BY id LIMIT 1) t"
}

have=$(sql -e "SELECT COUNT(*) FROM customers WHERE code LIKE 'PR%'")
if [ "$have" -lt "$CUSTOMERS" ]; then
  echo "loading $CUSTOMERS owned customers and $POOL in the pool ..."
  sql -e "DELETE FROM customers WHERE code LIKE 'PR%' OR code LIKE 'PP%'"
  copy_customers PR "$CUSTOMERS" "900000 + s.seq % 1000" \
    "NOW(6) - INTERVAL IF(s.seq % 10 = 0, 60, s.seq % 20) DAY"
  copy_customers PP "$POOL" 0 "NOW(6) - INTERVAL 1 DAY"
fi
pool_ids=$(sql -e "SELECT CONCAT(MIN(id), ':', MAX(id)) FROM customers WHERE code LIKE 'PP%'")

median() { sort -n | awk '{v[NR] = $1} END {print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2}'; }
field() { sed -n "s/.*$1=\([0-9.]*\).*/\1/p"; }
ms_now() { date +%s%N | awk '{printf "%.1f", $1 / 1e6}'; }

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
for round in $(seq "$ROUNDS"); do
  # The recycled ones owned and due again; the pool ones back in the pool.
  # Today's and tomorrow's scheduled runs (days in Asia/Shanghai) marked
  # done, so the service's own daily run does not share the work measured.
  sql -e "UPDATE customers SET owner_id = 900000 + id % 1000,
      owned_since = NOW(6) - INTERVAL 60 DAY WHERE code LIKE 'PR%' AND owner_id = 0;
    UPDATE customers SET owner_id = 0 WHERE code LIKE 'PP%';
    DELETE FROM pool_recycles; DELETE FROM pool_recycle_runs WHERE run_day IS NULL;
    INSERT IGNORE INTO pool_recycle_runs (run_day, started_at, finished_at, actor) VALUES
      ('$(TZ=Asia/Shanghai date +%F)', NOW(6), NOW(6), 'pool_recycle_bench'),
      ('$(TZ=Asia/Shanghai date -d tomorrow +%F)', NOW(6), NOW(6), 'pool_recycle_bench');
    DELETE FROM pool_departures WHERE employee_id >= 900000;"
  start=$(ms_now)
  due=$(sql -e "SELECT COUNT(*) FROM (SELECT id, name, owner_id, level_code, follow_up_clock
    FROM customers WHERE follow_up_clock < CURDATE() - INTERVAL 30 DAY) due")
  sql_ms=$(awk -v a="$start" -v b="$(ms_now)" 'BEGIN {printf "%.1f", b - a}')
  "$CRM_BUILD_DIR/tests/perf/pool_recycle_bench" --target="$GATEWAY" \
    --admin-password="$CRM_ADMIN_PASSWORD" --pool-ids="$pool_ids" | tail -n 1 >"$work/round.txt"
  echo "round $round: $(cat "$work/round.txt"); MariaDB alone selects the $due due in $sql_ms ms"
  echo "$(field dry_ms <"$work/round.txt") $(field run_ms <"$work/round.txt") \
$(field recycled <"$work/round.txt") $(field claim_before_p50_ms <"$work/round.txt") \
$(field claim_before_p99_ms <"$work/round.txt") $(field claim_during_p50_ms <"$work/round.txt") \
$(field claim_during_p99_ms <"$work/round.txt") $(field claim_during_max_ms <"$work/round.txt") \
$sql_ms" >>"$work/rounds.txt"
done
col() { awk -v c="$1" '{print $c}' "$work/rounds.txt" | median; }
awk -v dry="$(col 1)" -v run="$(col 2)" -v n="$(col 3)" -v b50="$(col 4)" -v b99="$(col 5)" \
    -v d50="$(col 6)" -v d99="$(col 7)" -v dmax="$(col 8)" -v alone="$(col 9)" \
    -v total="$CUSTOMERS" 'BEGIN {
  printf "medians of the rounds (%d owned customers, %d due):\n", total, n
  printf "  dry run            %8.0f ms  (MariaDB alone selecting the due rows: %.0f ms)\n", dry, alone
  printf "  recycle run        %8.0f ms  (%.0f customers/s)\n", run, n / (run / 1000)
  printf "  claims before      p50 %.2f ms  p99 %.2f ms\n", b50, b99
  printf "  claims during run  p50 %.2f ms  p99 %.2f ms  max %.2f ms\n", d50, d99, dmax
}'
