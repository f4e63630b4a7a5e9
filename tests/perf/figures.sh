# Sourced by the benchmarks under tests/perf: hands one measured figure to
# tests/perf/run.sh, which puts it beside its baseline and target in the
# table (tests/perf/figures_table.py names every figure and its target).
#
#   perf_figure ID OURS [BASELINE]
#
# appends "ID<TAB>OURS<TAB>BASELINE" to the file CRM_PERF_FIGURES names (when
# set: a benchmark run on its own just prints) and prints "FIGURE ID …".
perf_figure() {
  local id=$1 ours=$2 baseline=${3:-}
  printf 'FIGURE %s ours=%s%s\n' "$id" "$ours" "${baseline:+ baseline=$baseline}"
  if [ -n "${CRM_PERF_FIGURES:-}" ]; then
    printf '%s\t%s\t%s\n' "$id" "$ours" "$baseline" >>"$CRM_PERF_FIGURES"
  fi
}

# One figure per process of the stack in LOCAL_DIR: rss.idle.NAME (VmRSS now)
# or rss.peak.NAME (VmHWM: the most it ever held), in MiB.
#   perf_rss_figures idle|peak LOCAL_DIR
perf_rss_figures() {
  local kind=$1 dir=$2 field=VmRSS file pid
  [ "$kind" = peak ] && field=VmHWM
  for file in "$dir"/run/*.pid; do
    read -r pid _ <"$file" || continue
    [ -r "/proc/$pid/status" ] || continue
    perf_figure "rss.$kind.$(basename "$file" .pid)" \
      "$(awk -v f="$field:" '$1 == f { printf "%.0f", $2 / 1024 }' "/proc/$pid/status")"
  done
}

# The median of the numbers on stdin, one a line.
perf_median() {
  sort -n | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}
# The events a second of a sysbench run's output on stdin.
perf_sysbench_rate() {
  sed -n -e 's/.*transactions: *[0-9]* *(\([0-9.]*\) per sec.).*/\1/p' \
    -e 's/.*queries: *[0-9]* *(\([0-9.]*\) per sec.).*/\1/p' | head -n 1
}

# What a benchmark on a running stack starts with: builds TARGET... and
# crmctl, starts the stack when its gateway does not answer (CRM_LOCAL_DIR,
# CRM_GATEWAY_PORT; the local dev stack by default), and exports its secrets
# (CRM_ADMIN_PASSWORD, ...). Sets GATEWAY and LOCAL_DIR.
perf_stack_up() {
  GATEWAY=127.0.0.1:${CRM_GATEWAY_PORT:-50051}
  LOCAL_DIR=${CRM_LOCAL_DIR:-$CRM_ROOT/.crm-local}
  cmake --build "$CRM_BUILD_DIR" -j "${CRM_BUILD_JOBS:-2}" --target "$@" crmctl >/dev/null
  if ! "$CRM_BUILD_DIR/tools/crmctl/crmctl" wait-serving --target="$GATEWAY" --timeout-s=1 \
    >/dev/null 2>&1; then
    "$CRM_ROOT/deploy/local/up.sh" --detach
  fi
  set -a
  # shellcheck source=/dev/null
  source "$LOCAL_DIR/secrets.env"
  set +a
}
