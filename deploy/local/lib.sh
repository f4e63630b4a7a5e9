# Shared by deploy/local/up.sh and tests/run.sh: Debian packages and the build.
# Source it; it defines functions and CRM_ROOT / CRM_BUILD_DIR.

CRM_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
# CRM_SANITIZE=address,undefined (or thread) builds with those sanitizers, in a
# build folder of its own (build-address-undefined), so the plain build stays.
CRM_SANITIZE=${CRM_SANITIZE:-}
if [ -n "$CRM_SANITIZE" ]; then
  CRM_BUILD_DIR=${CRM_BUILD_DIR:-$CRM_ROOT/build-${CRM_SANITIZE//,/-}}
else
  CRM_BUILD_DIR=${CRM_BUILD_DIR:-$CRM_ROOT/build}
fi

# What building and running the services needs.
CRM_PACKAGES=(
  cmake g++ make pkg-config ccache
  protobuf-compiler protobuf-compiler-grpc libprotobuf-dev libgrpc++-dev grpc-proto
  libabsl-dev libmysqlcppconn-dev libspdlog-dev libsodium-dev libjwt-dev libgtest-dev
  libcpp-httplib-dev
  mariadb-server mariadb-client
)
# What the tests need besides: an independent Python gRPC client, and promtool
# (Debian ships it in prometheus; the server is installed but not started).
CRM_TEST_PACKAGES=(python3-grpcio python3-protobuf prometheus)

crm_log() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }

# A process's start time (clock ticks after boot, field 22 of /proc/PID/stat;
# the fields are counted after the command name, which may hold spaces).
# With the pid it names one process, even once the pid is reused.
crm_proc_start() { sed 's/.*) //' "/proc/$1/stat" 2>/dev/null | awk '{print $20}'; }
# What a pid file holds: "PID START".
crm_pid_record() { echo "$1 $(crm_proc_start "$1")"; }
# The pid in a pid file when that very process still runs; fails otherwise
# (gone, or its pid now another process's: never signal that one).
crm_pid_running() {  # pid file
  local pid start
  read -r pid start <"$1" 2>/dev/null || return 1
  [ -n "$pid" ] && [ -n "$start" ] && [ "$(crm_proc_start "$pid")" = "$start" ] || return 1
  echo "$pid"
}
# Whether PID still is the process that started at START.
crm_same_process() { [ -n "$2" ] && [ "$(crm_proc_start "$1")" = "$2" ]; }

# Installs the packages given that are not installed yet (apt, non-interactive).
crm_install_packages() {
  local missing=() p
  for p in "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  crm_log "installing ${missing[*]}"
  local sudo=()
  [ "$(id -u)" -ne 0 ] && sudo=(sudo)
  "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -qq
  "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
    "${missing[@]}" >/dev/null
}

# Configures (once) and builds the given targets (all when none are given).
crm_build() {
  if [ ! -f "$CRM_BUILD_DIR/CMakeCache.txt" ]; then
    crm_log "configuring $CRM_BUILD_DIR"
    cmake -S "$CRM_ROOT" -B "$CRM_BUILD_DIR" -DCMAKE_BUILD_TYPE=RelWithDebInfo \
      -DCRM_SANITIZE="$CRM_SANITIZE" >/dev/null
  fi
  local targets=()
  [ $# -gt 0 ] && targets=(--target "$@")
  crm_log "building ${*:-everything} (a first build takes several minutes on 2 cores)"
  cmake --build "$CRM_BUILD_DIR" -j "${CRM_BUILD_JOBS:-2}" "${targets[@]}"
}
