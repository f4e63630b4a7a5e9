#!/usr/bin/env bash
# Benchmark: the OA system's pull of announcement changes (issue 18). With
# CHANGES (100,000) announcement changes in the org service's change log, it
# times ListAnnouncementChanges through the gateway from cursor 0 to the end
# in pages of 1,000 (rate_bench, REPS pulls, median) beside one SELECT of the
# same rows and columns in MariaDB (the mariadb client, rows read and thrown
# away, REPS times, median). Target: ≥ 0.5 × the SELECT's rows a second.
#
# The changes are copies of one publication made through the service (the
# demo data's), bulk-loaded in SQL with sequences of their own, since
# publishing 100,000 announcements through the API is not what is measured.
# Needs a running stack (deploy/local/up.sh --detach; started if the gateway
# does not answer; CRM_LOCAL_DIR and CRM_GATEWAY_PORT name another).
#   REPS=5 tests/perf/announcement_pull_bench.sh
set -euo pipefail
source "$(dirname "$0")/../../deploy/local/lib.sh"
source "$CRM_ROOT/tests/perf/figures.sh"

CHANGES=${CHANGES:-100000}
REPS=${REPS:-5}
TYPE=crm.org.v1.Announcement
perf_stack_up rate_bench
sql() { mariadb --no-defaults --socket="$LOCAL_DIR/mariadb/mysqld.sock" -uroot -N crm_org "$@"; }

have=$(sql -e "SELECT COUNT(*) FROM change_log WHERE entity_type = '$TYPE'")
[ "$have" -gt 0 ] || { echo "no announcement change to copy: load the demo data first" >&2; exit 1; }
if [ "$have" -lt "$CHANGES" ]; then
  echo "copying one publication into $((CHANGES - have)) more announcement changes ..."
  # In one transaction holding the sequence counter, as AppendChange does.
  sql -e "
    BEGIN;
    SELECT last_sequence FROM change_sequence WHERE id = 1 FOR UPDATE;
    INSERT INTO change_log (sequence, entity_type, entity_id, operation, actor, request_id,
                            change_time, state_type, state, previous_state, changed_fields)
    SELECT q.last_sequence + s.seq, t.entity_type, t.entity_id, t.operation, t.actor, '',
           UTC_TIMESTAMP(6), t.state_type, t.state, t.previous_state, t.changed_fields
    FROM seq_1_to_$((CHANGES - have)) s
    CROSS JOIN (SELECT * FROM change_log WHERE entity_type = '$TYPE' ORDER BY sequence LIMIT 1) t
    CROSS JOIN change_sequence q WHERE q.id = 1;
    UPDATE change_sequence SET last_sequence = (SELECT MAX(sequence) FROM change_log) WHERE id = 1;
    COMMIT;" >/dev/null
fi
total=$(sql -e "SELECT COUNT(*) FROM change_log WHERE entity_type = '$TYPE'")

ms_now() { date +%s%N | awk '{ printf "%.1f", $1 / 1e6 }'; }
times=()
for _ in $(seq "$REPS"); do
  t0=$(ms_now)
  sql --quick -e "SELECT sequence, entity_type, entity_id, operation, actor, request_id,
      change_time, state_type, state, previous_state, changed_fields FROM change_log
    WHERE sequence > 0 AND entity_type = '$TYPE' ORDER BY sequence" >/dev/null
  times+=("$(awk -v a="$t0" -v b="$(ms_now)" 'BEGIN { printf "%.1f", b - a }')")
done
select_ms=$(printf '%s\n' "${times[@]}" | perf_median)
result=$(CRM_PASSWORD=$CRM_ADMIN_PASSWORD "$CRM_BUILD_DIR/tests/perf/rate_bench" \
  --mode=pull-announcements --target="$GATEWAY" --username=admin --reps="$REPS" | tail -n 1)
pulled=$(sed -n 's/.*changes=\([0-9]*\).*/\1/p' <<<"$result")
ours=$(sed -n 's/.*changes_per_s=\([0-9.]*\).*/\1/p' <<<"$result")
baseline=$(awk -v n="$total" -v ms="$select_ms" 'BEGIN { printf "%.0f", n / (ms / 1000) }')
echo "$total announcement changes; the pull: $result; one SELECT: median $select_ms ms ($baseline rows/s)"
[ "$pulled" = "$total" ] || { echo "the pull returned $pulled of $total changes" >&2; exit 1; }
awk -v o="$ours" -v b="$baseline" 'BEGIN { printf "ratio %.2f (target >= 0.5)\n", o / b }'
perf_figure announcement_pull "$ours" "$baseline"
