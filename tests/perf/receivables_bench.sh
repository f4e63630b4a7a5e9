#!/usr/bin/env bash
# Benchmark: the receivable lists with CONTRACTS (100,000) signed contracts of
# three instalments each in the sales tables, beside the same aggregate run by
# MariaDB alone, in rounds of one run, medians at the end:
#   - ListReceivables walked to the end (500 rows a page) by customer (2,000
#     customers), owner and department, as BENCH_USER (a department head who
#     sees every contract), against the service's own aging SQL by customer
#     run once in MariaDB;
#   - ListOverdueInstalments, first page of 50 (THREADS callers): p50, p99.
#
# The rows are bulk-loaded in SQL (copies of one contract made through the
# service, with 0 to 3 instalments paid and due dates spread from 200 days
# ago to 90 days ahead), since creating 100,000 through the API is not what
# is measured. Needs the local stack (deploy/local/up.sh --detach; started if
# the gateway does not answer); everything shares the machine's cores.
#   ROUNDS=3 tests/perf/receivables_bench.sh
set -euo pipefail
source "$(dirname "$0")/../../deploy/local/lib.sh"

GATEWAY=127.0.0.1:${CRM_GATEWAY_PORT:-50051}
LOCAL_DIR=${CRM_LOCAL_DIR:-$CRM_ROOT/.crm-local}
ROUNDS=${ROUNDS:-3}
THREADS=${THREADS:-4}
CONTRACTS=${CONTRACTS:-100000}
BENCH_USER=${BENCH_USER:-sales.head}
CRMCTL="$CRM_BUILD_DIR/tools/crmctl/crmctl"

cmake --build "$CRM_BUILD_DIR" -j "${CRM_BUILD_JOBS:-2}" --target receivables_bench crmctl >/dev/null
if ! "$CRMCTL" wait-serving --target="$GATEWAY" --timeout-s=1 >/dev/null 2>&1; then
  "$CRM_ROOT/deploy/local/up.sh" --detach
fi

socket="$LOCAL_DIR/mariadb/mysqld.sock"
sql() { mariadb --no-defaults --socket="$socket" -uroot -N "$@"; }
bench() {
  CRM_PASSWORD=${BENCH_PASSWORD:-Demo-passw0rd} "$CRM_BUILD_DIR/tests/perf/receivables_bench" \
    --target="$GATEWAY" --username="$BENCH_USER" --threads="$THREADS" "$@"
}

have=$(sql crm_sales -e "SELECT COUNT(*) FROM contracts WHERE number LIKE 'CTB%'")
if [ "$have" -lt "$CONTRACTS" ]; then
  seed=$(bench --mode=seed | sed -n 's/^SEED id=//p')
  echo "loading $((CONTRACTS - have)) contracts and their plans ..."
  sql crm_sales -e "
    INSERT INTO contracts (number, customer_id, title, amount_fen, sign_date, start_date,
      end_date, status, remarks, owner_id, owner_department_id, owner_department_path,
      received_fen, created_at, updated_at)
    SELECT CONCAT('CTB', $have + s.seq), 1 + s.seq % 2000, t.title, 300000, t.sign_date,
      t.start_date, t.end_date, 2, '', t.owner_id, t.owner_department_id,
      t.owner_department_path, (s.seq % 4) * 100000, t.created_at, t.updated_at
    FROM seq_1_to_$((CONTRACTS - have)) s
    CROSS JOIN (SELECT * FROM contracts WHERE id = $seed) t;
    INSERT INTO payment_instalments (contract_id, sequence, due_date, amount_fen, received_fen)
    SELECT k.id, n.seq, CURDATE() - INTERVAL (k.id % 200) DAY + INTERVAL ((n.seq - 1) * 45) DAY,
      100000, IF(n.seq <= k.received_fen DIV 100000, 100000, 0)
    FROM contracts k CROSS JOIN seq_1_to_3 n
    WHERE k.number LIKE 'CTB%' AND NOT EXISTS
      (SELECT 1 FROM payment_instalments i WHERE i.contract_id = k.id);"
fi
echo "contracts: $(sql crm_sales -e "SELECT COUNT(*) FROM contracts WHERE status = 2"),"\
" instalments: $(sql crm_sales -e "SELECT COUNT(*) FROM payment_instalments"),"\
" open: $(sql crm_sales -e "SELECT COUNT(*) FROM payment_instalments WHERE open = 1")"

# MariaDB alone: the service's aging SQL by customer, every group at once.
today=$(TZ=Asia/Shanghai date +%F)
d() { TZ=Asia/Shanghai date -d "$today - $1 days" +%F; }
aging_sql="SELECT g, COUNT(*), SUM(amount), SUM(received), SUM(prepaid), SUM(b0), SUM(b1),
  SUM(b2), SUM(b3), SUM(b4) FROM (SELECT MAX(k.customer_id) AS g, MAX(k.amount_fen) AS amount,
  MAX(k.received_fen) AS received, MAX(k.prepaid_fen) AS prepaid,
  SUM(CASE WHEN i.due_date >= '$today' THEN i.amount_fen - i.received_fen ELSE 0 END) AS b0,
  SUM(CASE WHEN i.due_date < '$today' AND i.due_date >= '$(d 30)' THEN i.amount_fen - i.received_fen ELSE 0 END) AS b1,
  SUM(CASE WHEN i.due_date < '$(d 30)' AND i.due_date >= '$(d 60)' THEN i.amount_fen - i.received_fen ELSE 0 END) AS b2,
  SUM(CASE WHEN i.due_date < '$(d 60)' AND i.due_date >= '$(d 90)' THEN i.amount_fen - i.received_fen ELSE 0 END) AS b3,
  SUM(CASE WHEN i.due_date < '$(d 90)' THEN i.amount_fen - i.received_fen ELSE 0 END) AS b4
  FROM contracts k LEFT JOIN payment_instalments i ON i.contract_id = k.id AND i.open = 1
  WHERE k.status IN (2, 3) GROUP BY k.id) per_contract GROUP BY g ORDER BY g"
ms_now() { date +%s%N | awk '{printf "%.1f", $1 / 1e6}'; }
median() { sort -n | awk '{v[NR] = $1} END {print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2}'; }
field() { sed -n "s/.*$1=\([0-9.]*\).*/\1/p"; }

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
for round in $(seq "$ROUNDS"); do
  start=$(ms_now)
  groups=$(sql crm_sales -e "$aging_sql" | wc -l)
  sql_ms=$(awk -v a="$start" -v b="$(ms_now)" 'BEGIN {printf "%.1f", b - a}')
  bench --mode=measure | tail -n 1 >"$work/round.txt"
  echo "round $round: $(cat "$work/round.txt"); the SQL alone: $groups groups in $sql_ms ms"
  echo "$(field customer_ms <"$work/round.txt") $(field owner_ms <"$work/round.txt") \
$(field department_ms <"$work/round.txt") $(field overdue_p50_ms <"$work/round.txt") \
$(field overdue_p99_ms <"$work/round.txt") $sql_ms" >>"$work/rounds.txt"
done
col() { awk -v c="$1" '{print $c}' "$work/rounds.txt" | median; }
awk -v customer="$(col 1)" -v owner="$(col 2)" -v department="$(col 3)" -v op50="$(col 4)" \
    -v op99="$(col 5)" -v alone="$(col 6)" -v n="$CONTRACTS" 'BEGIN {
  printf "medians of the rounds (%d bulk-loaded contracts, 3 instalments each):\n", n
  printf "  ListReceivables walk by customer  %7.0f ms  (the aging SQL alone %.0f ms, ratio %.1f)\n", customer, alone, customer / alone
  printf "  ListReceivables walk by owner     %7.0f ms\n", owner
  printf "  ListReceivables walk by department %6.0f ms\n", department
  printf "  ListOverdueInstalments first page p50 %.2f ms  p99 %.2f ms\n", op50, op99
}'
