#!/usr/bin/env bash
# Renders the dev and prod overlays and checks them offline (no cluster):
# tests/k8s/check_manifests.mjs validates every object against the Kubernetes API
# schemas and asserts the CRM rules, then its self-test proves those rules fail
# on broken copies.
#   tests/k8s/check_manifests.sh WORK_DIR
# WORK_DIR keeps the npm modules between runs (installed again only when
# package-lock.json changes) and the rendered YAML (WORK_DIR/<overlay>.yaml).
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)
work=${1:?usage: $0 WORK_DIR}
mkdir -p "$work"
work=$(cd "$work" && pwd)

# npm ci from the committed lock: the exact versions, nothing resolved anew.
install_modules() {
  if [ -d "$work/node_modules" ] && cmp -s "$here/package-lock.json" "$work/package-lock.json"; then
    return 0
  fi
  echo "==> installing kubernetes-models and yaml into $work/node_modules"
  cp "$here/package.json" "$here/package-lock.json" "$work/"
  (cd "$work" && npm ci --no-audit --no-fund --ignore-scripts --loglevel=error)
}

install_modules
# Node resolves modules next to the script, so the checker runs from WORK_DIR.
cp "$here/check_manifests.mjs" "$work/"

status=0
for overlay in dev prod; do
  kubectl kustomize "$root/deploy/k8s/overlays/$overlay" >"$work/$overlay.yaml"
  node "$work/check_manifests.mjs" --overlay "$overlay" "$work/$overlay.yaml" || status=1
  node "$work/check_manifests.mjs" --self-test --overlay "$overlay" "$work/$overlay.yaml" || status=1
done
exit $status
