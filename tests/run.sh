#!/usr/bin/env bash
# The test command: installs what is missing, builds, and runs the whole ctest
# suite (unit, integration against a private MariaDB, end-to-end through the
# gateway). Extra arguments go to ctest, e.g. tests/run.sh -L unit.
set -euo pipefail
source "$(dirname "$0")/../deploy/local/lib.sh"

crm_install_packages "${CRM_PACKAGES[@]}" "${CRM_TEST_PACKAGES[@]}"
crm_build
crm_log "running the tests"
cd "$CRM_BUILD_DIR"
ctest --output-on-failure -j "${CRM_TEST_JOBS:-2}" "$@"
