#!/usr/bin/env bash
# A private MariaDB server for local runs and tests: its own data directory,
# socket and port, no systemd, no root password (the socket lives in a 0700
# directory only the owner can reach).
#
#   mariadb.sh start <dir> <port>   initialise on first use, start, wait until ready;
#                                   port "socket-only": no TCP, only <dir>/mysqld.sock
#   mariadb.sh stop <dir>           shut down cleanly
#   mariadb.sh sql <dir>            run SQL from stdin as root
#   mariadb.sh provision <dir>      create each service's schema and user
#                                   (passwords from CRM_<SERVICE>_DB_PASSWORD)
set -euo pipefail

SERVICES="customer sales feedback org reporting"

die() { echo "mariadb.sh: $*" >&2; exit 1; }

server_user() { if [ "$(id -u)" = 0 ]; then echo root; else id -un; fi; }

# Creates the system tables. --skip-name-resolve keeps it off DNS (it would
# otherwise look up this host's name, which a CI machine may not resolve); a
# failed attempt is wiped and tried once more, and the log's tail is printed
# so a failure on a machine we cannot log in to still says why.
install_db() {
  local dir=$1 attempt
  mkdir -p "$dir/tmp"
  for attempt in 1 2; do
    if mariadb-install-db --no-defaults --datadir="$dir/data" --user="$(server_user)" \
      --auth-root-authentication-method=normal --skip-test-db --skip-name-resolve \
      --tmpdir="$dir/tmp" \
      >"$dir/install.log" 2>&1; then
      return 0
    fi
    echo "mariadb.sh: mariadb-install-db attempt $attempt failed:" >&2
    tail -n 20 "$dir/install.log" >&2 || true
    rm -rf "$dir/data"
    sleep 1
  done
  die "mariadb-install-db failed; see $dir/install.log"
}

cmd_start() {
  local dir=$1 port=$2
  mkdir -p "$dir"
  chmod 700 "$dir"
  dir=$(cd "$dir" && pwd)
  if [ -S "$dir/mysqld.sock" ] && mariadb-admin --no-defaults --socket="$dir/mysqld.sock" -uroot ping >/dev/null 2>&1; then
    return 0  # already running
  fi
  # A private tmpdir (install_db's too): at start-up a server deletes every
  # '#sql*' file in its tmpdir, so servers sharing /tmp (each test binary's,
  # a local stack's) deleted each other's temporary tables mid-query.
  mkdir -p "$dir/tmp"
  [ -d "$dir/data/mysql" ] || install_db "$dir"
  local network=(--port="$port" --bind-address=127.0.0.1)
  [ "$port" = socket-only ] && network=(--skip-networking)
  mariadbd --no-defaults --datadir="$dir/data" --socket="$dir/mysqld.sock" "${network[@]}" \
    --user="$(server_user)" --pid-file="$dir/mysqld.pid" --tmpdir="$dir/tmp" \
    --log-error="$dir/error.log" --skip-name-resolve \
    --character-set-server=utf8mb4 --collation-server=utf8mb4_unicode_ci \
    --max-connections=1000 --local-infile=1 \
    --innodb-buffer-pool-size="${CRM_MARIADB_BUFFER_POOL:-256M}" \
    --innodb-flush-log-at-trx-commit=1 >/dev/null 2>&1 &
  for _ in $(seq 1 300); do
    if mariadb-admin --no-defaults --socket="$dir/mysqld.sock" -uroot ping >/dev/null 2>&1; then
      return 0
    fi
    sleep 0.1
  done
  die "MariaDB did not start; see $dir/error.log"
}

cmd_stop() {
  local dir=$1
  [ -f "$dir/mysqld.pid" ] || return 0
  local pid
  pid=$(cat "$dir/mysqld.pid" 2>/dev/null || true)
  # The server MariaDB wrote that pid for is the one whose command line names
  # this data directory; a reused pid is another process and left alone.
  ours() { [ -n "$pid" ] && tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -qF -- "$dir"; }
  mariadb-admin --no-defaults --socket="$dir/mysqld.sock" -uroot shutdown >/dev/null 2>&1 ||
    { ours && kill "$pid" 2>/dev/null; } || true
  for _ in $(seq 1 300); do
    ours || return 0
    sleep 0.1
  done
  ours && kill -9 "$pid" 2>/dev/null || true
}

cmd_sql() {
  local dir=$1
  mariadb --no-defaults --socket="$dir/mysqld.sock" -uroot --default-character-set=utf8mb4 \
    --batch --skip-column-names
}

# Single-quoted SQL string literal.
sql_quote() { printf "'%s'" "$(printf '%s' "$1" | sed -e "s/\\\\/\\\\\\\\/g" -e "s/'/''/g")"; }

cmd_provision() {
  local dir=$1 sql="" svc var password user
  # The anonymous users mariadb-install-db creates would shadow 'crm_x'@'%'.
  sql+="DELETE FROM mysql.global_priv WHERE User = ''; FLUSH PRIVILEGES;"
  for svc in $SERVICES; do
    var="CRM_$(echo "$svc" | tr '[:lower:]' '[:upper:]')_DB_PASSWORD"
    password=${!var:-}
    [ -n "$password" ] || die "$var is not set"
    user="crm_$svc"
    sql+="CREATE DATABASE IF NOT EXISTS $user CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;"
    for host in '%' 'localhost' '127.0.0.1'; do
      sql+="CREATE USER IF NOT EXISTS '$user'@'$host' IDENTIFIED BY $(sql_quote "$password");"
      sql+="ALTER USER '$user'@'$host' IDENTIFIED BY $(sql_quote "$password");"
      # In GRANT, _ in a schema name is a wildcard: crm_org would match crmXorg.
      sql+="GRANT ALL PRIVILEGES ON \`${user//_/\\_}\`.* TO '$user'@'$host';"
    done
  done
  printf '%s\n' "$sql" | cmd_sql "$dir"
}

case "${1:-}" in
  start) [ $# -eq 3 ] || die "usage: mariadb.sh start <dir> <port>"; cmd_start "$2" "$3" ;;
  stop) [ $# -eq 2 ] || die "usage: mariadb.sh stop <dir>"; cmd_stop "$2" ;;
  sql) [ $# -eq 2 ] || die "usage: mariadb.sh sql <dir>"; cmd_sql "$2" ;;
  provision) [ $# -eq 2 ] || die "usage: mariadb.sh provision <dir>"; cmd_provision "$2" ;;
  *) die "usage: mariadb.sh start|stop|sql|provision ..." ;;
esac
