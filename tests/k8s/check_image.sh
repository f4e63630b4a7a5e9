#!/usr/bin/env bash
# Checks deploy/docker/Dockerfile against the binaries built here, without Docker:
# every shared library the six servers load belongs to a Debian package that the
# runtime stage installs, and the runtime stage runs as a numeric non-root USER.
#   tests/k8s/check_image.sh BUILD_DIR      (e.g. build)
# This machine and the image are both Debian 12, so the package that owns a
# library here is the package that provides it there.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)
build=${1:?usage: $0 BUILD_DIR}
# CRM_DOCKERFILE: check another Dockerfile (e.g. a deliberately broken copy).
dockerfile=${CRM_DOCKERFILE:-$root/deploy/docker/Dockerfile}
binaries=(
  services/gateway/crm-gateway
  services/crm-customer services/crm-sales services/crm-feedback
  services/crm-org services/crm-reporting
)
failures=0
fail() { echo "FAIL $*"; failures=$((failures + 1)); }

# The runtime stage: from the last FROM to the end, continuation lines joined.
runtime_stage() {
  awk '/^FROM /{stage=""} {stage = stage $0 "\n"} END {printf "%s", stage}' "$dockerfile" |
    sed -e ':a' -e '/\\$/N; s/\\\n/ /; ta'
}

# Package names after "apt-get install" in the stage's RUN lines (options skipped).
runtime_packages() {
  runtime_stage | grep -E '^RUN .*apt-get( [^&;]*)? install' |
    sed -E 's/.*apt-get( [^&;]*)? install//; s/(&&|;).*//' | tr ' ' '\n' |
    grep -E '^[a-z0-9][a-z0-9.+-]+$' | sort -u
}

# Library paths a binary loads, from ldd ("name => path (addr)" or "path (addr)").
# A sanitizer build (CRM_SANITIZE, what CI tests) also loads the sanitizers'
# runtimes, which no image build links: they are not the image's concern.
libraries_of() {
  ldd "$1" | awk '$2 == "=>" && $3 ~ /^\// {print $3} $1 ~ /^\// {print $1}' |
    grep -vE '/lib(a|ub|t|l)san\.so' || true
}

# Paths under which dpkg may have recorded a library: some packages list /lib,
# others /usr/lib (merged /usr), and ldd may name a symlink.
path_variants() {
  local lib=$1 real=$2
  printf '%s\n' "$lib" "$real" "/usr$lib" "${lib#/usr}" "/usr$real" "${real#/usr}"
}

# Fills package_of[library] for the given libraries. One dpkg call for all of
# them: each call reads the whole package database (per-library calls took minutes).
declare -A package_of
find_packages() {
  local -a libs=("$@") reals
  local -A owner
  local line package path i
  mapfile -t reals < <(readlink -f "${libs[@]}")
  while read -r line; do
    package=${line%%: *}
    owner[${line#*: }]=${package%%:*}  # drop the architecture (libc6:amd64)
  done < <(for i in "${!libs[@]}"; do path_variants "${libs[i]}" "${reals[i]}"; done |
    sort -u | xargs dpkg -S 2>/dev/null | grep -v '^diversion')
  for i in "${!libs[@]}"; do
    while read -r path; do
      if [ -n "${owner[$path]:-}" ]; then
        package_of[${libs[i]}]=${owner[$path]}
        break
      fi
    done < <(path_variants "${libs[i]}" "${reals[i]}")
  done
}

check_libraries() {
  local binary lib package
  local -A loads=() in_image=()
  for package in $1; do in_image[$package]=1; done
  for binary in "${binaries[@]}"; do
    if [ ! -x "$build/$binary" ]; then
      fail "$binary: not built in $build"
    elif ldd "$build/$binary" | grep -q 'not found'; then
      fail "$binary: ldd reports a library not found here"
    else
      loads[$binary]=$(libraries_of "$build/$binary")
    fi
  done
  [ ${#loads[@]} -eq 0 ] && return 0
  local -a unique
  mapfile -t unique < <(printf '%s\n' "${loads[@]}" | sort -u)
  find_packages "${unique[@]}"
  for binary in "${!loads[@]}"; do
    while read -r lib; do
      if [ -z "${package_of[$lib]:-}" ]; then
        fail "$binary: $lib belongs to no Debian package"
      elif [ -z "${in_image[${package_of[$lib]}]:-}" ]; then
        fail "$binary: $lib comes from ${package_of[$lib]}, which the runtime stage does not install"
      fi
    done <<<"${loads[$binary]}"
  done
}

# runAsNonRoot can only be verified by the kubelet for a numeric UID.
check_user() {
  local user
  user=$(runtime_stage | awk '$1 == "USER" {print $2}' | tail -n1)
  user=${user%%:*}
  if [ -z "$user" ]; then
    fail "runtime stage: no USER (the image would run as root)"
  elif ! [[ $user =~ ^[0-9]+$ ]]; then
    fail "runtime stage: USER $user must be numeric for Kubernetes' runAsNonRoot"
  elif [ "$user" -eq 0 ]; then
    fail "runtime stage: USER is root"
  fi
}

# The build stage builds all six targets and the runtime stage copies them in.
check_binaries_in_image() {
  local targets binary
  targets=$(sed -e ':a' -e '/\\$/N; s/\\\n/ /; ta' "$dockerfile" |
    grep -oE -- '--target [^&;]*' || true)
  for binary in "${binaries[@]}"; do
    grep -qw -- "${binary##*/}" <<<"$targets" || fail "Dockerfile: no --target ${binary##*/}"
  done
  runtime_stage | grep -qE '^COPY --from=[a-z]+ .* /usr/local/bin/?$' ||
    fail "runtime stage: no COPY of the binaries into /usr/local/bin"
}

installed=$(runtime_packages || true)
if [ -z "$installed" ]; then
  fail "runtime stage: no apt-get install found in $dockerfile"
fi
check_libraries "$installed"
check_user
check_binaries_in_image

count=$(wc -l <<<"$installed")
if [ "$failures" -gt 0 ]; then
  echo "image: $failures failure(s)"
  exit 1
fi
echo "image: ok (${#binaries[@]} binaries, $count runtime packages, non-root USER)"
