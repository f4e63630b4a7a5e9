#!/usr/bin/env bash
# Fuzzes every target in tests/fuzz with libFuzzer (clang, ASan+UBSan) for a
# bounded time each, starting from the corpus in the repo, and prints how
# many inputs each target ran and what it found.
#
#   tests/fuzz/run.sh                 # every target, 60 s each
#   CRM_FUZZ_SECONDS=600 tests/fuzz/run.sh csv_import
#   CRM_FUZZ_MERGE=1 tests/fuzz/run.sh  # also keep new inputs that add coverage
#                                       # in tests/fuzz/corpus/<target>/
#
# A finding stops its target and leaves the input as crash-* / leak-* in the
# work folder printed at the end; add it to the corpus once fixed, so the
# suite (which replays every corpus) keeps it fixed.
set -euo pipefail
source "$(dirname "$0")/../../deploy/local/lib.sh"

seconds=${CRM_FUZZ_SECONDS:-60}
build=${CRM_FUZZ_BUILD_DIR:-$CRM_ROOT/build-fuzz}
work=${CRM_FUZZ_WORK_DIR:-$build/fuzz-work}
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(gateway_call access_token page_token csv_import name_keys request_validation)

crm_install_packages "${CRM_PACKAGES[@]}" clang libclang-rt-14-dev
if [ ! -f "$build/CMakeCache.txt" ]; then
  crm_log "configuring $build (clang, address,undefined, libFuzzer)"
  CC=clang CXX=clang++ cmake -S "$CRM_ROOT" -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DCRM_SANITIZE=address,undefined -DCRM_FUZZ=ON >/dev/null
fi
crm_log "building ${targets[*]} (a first build compiles the libraries they use: several minutes)"
cmake --build "$build" -j "${CRM_BUILD_JOBS:-2}" --target "${targets[@]/#/fuzz_}"

export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
summary=()
status=0
for target in "${targets[@]}"; do
  corpus=$CRM_ROOT/tests/fuzz/corpus/$target
  found=$work/$target
  rm -rf "$found"
  mkdir -p "$found"
  crm_log "fuzzing $target for ${seconds} s"
  log=$work/$target.log
  # New inputs go to $found; the repo's corpus is only read.
  if (cd "$found" && "$build/tests/fuzz/fuzz_$target" -max_total_time="$seconds" \
        -print_final_stats=1 -timeout=10 -rss_limit_mb=2048 "$found" "$corpus") >"$log" 2>&1; then
    result=ok
  else
    result="FOUND A PROBLEM (see $log and $found/crash-*)"
    status=1
  fi
  runs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' | tail -1)
  edges=$(grep -o 'cov: [0-9]*' "$log" | tail -1 | grep -o '[0-9]*$')
  summary+=("$(printf '%-20s %12s runs  %6s edges  %s' "$target" "${runs:-?}" "${edges:-?}" "$result")")
  if [ "${CRM_FUZZ_MERGE:-0}" = 1 ] && [ $result = ok ]; then
    "$build/tests/fuzz/fuzz_$target" -merge=1 "$corpus" "$found" >>"$log" 2>&1
  fi
done
crm_log "results (${seconds} s per target; logs in $work)"
printf '%s\n' "${summary[@]}"
exit $status
