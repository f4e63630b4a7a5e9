#!/usr/bin/env bash
# The test command: installs what is missing, builds, and runs the whole ctest
# suite (unit, integration against a private MariaDB, end-to-end through the
# gateway). Extra arguments go to ctest, e.g. tests/run.sh -L unit.
#
# CRM_SANITIZE=address,undefined (what CI runs) or CRM_SANITIZE=thread builds
# with those sanitizers in a folder of its own and runs the suite there. A
# finding stops the program that made it (the test binary or a service it
# started) and fails the run, with the report printed at the end; the only
# suppressions are in tests/sanitizers/, each with its reason.
set -euo pipefail
source "$(dirname "$0")/../deploy/local/lib.sh"

crm_install_packages "${CRM_PACKAGES[@]}" "${CRM_TEST_PACKAGES[@]}"
crm_build
crm_log "running the tests${CRM_SANITIZE:+ under $CRM_SANITIZE sanitizers}"
cd "$CRM_BUILD_DIR"

reports=""
if [ -n "$CRM_SANITIZE" ]; then
  # Every process the tests start inherits these: reports go to files (a
  # service's stderr is a log file the test may never print), one per process.
  reports=$CRM_BUILD_DIR/sanitizer-reports
  rm -rf "$reports"
  mkdir -p "$reports"
  suppressions=$CRM_ROOT/tests/sanitizers
  export ASAN_OPTIONS="halt_on_error=1:detect_leaks=1:log_path=$reports/asan"
  export LSAN_OPTIONS="suppressions=$suppressions/lsan.supp:print_suppressions=0"
  export UBSAN_OPTIONS="halt_on_error=1:print_stacktrace=1:log_path=$reports/ubsan"
  export TSAN_OPTIONS="halt_on_error=1:ignore_noninstrumented_modules=1:second_deadlock_stack=1:log_path=$reports/tsan:suppressions=$suppressions/tsan.supp"
fi

status=0
ctest --output-on-failure -j "${CRM_TEST_JOBS:-2}" "$@" || status=$?

if [ -n "$reports" ] && [ -n "$(ls -A "$reports")" ]; then
  crm_log "sanitizer reports (each one fails the run):"
  for report in "$reports"/*; do
    echo "=== $report"
    cat "$report"
  done
  status=1
fi
exit $status
