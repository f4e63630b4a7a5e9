#!/usr/bin/env bash
# Restores one service's schema from a backup.sh file, replacing every table.
#
#   deploy/backup/restore.sh <service> <file.sql.gz> --replace
#
# Stop the service first (kubectl scale --replicas=0, or down.sh locally) and
# start it afterwards; a newer version migrates the restored schema forward.
# The schema and its user must exist (mariadb.sh provision, or the dev
# overlay's init script). Same CRM_DB_* settings as backup.sh.
set -euo pipefail
source "$(dirname "$0")/db_client.sh"
file=${2:-}
[ -n "$file" ] && [ "${3:-}" = --replace ] ||
  die "usage: restore.sh <service> <file.sql.gz> --replace (every table of the schema is replaced)"
[ -f "$file" ] || die "no such file: $file"
if [ -f "$file.sha256" ]; then
  (cd "$(dirname "$file")" && sha256sum --quiet -c "$(basename "$file").sha256") ||
    die "$file does not match its checksum"
fi
gzip -t "$file" || die "$file is not a complete gzip file"

client() { mariadb --defaults-extra-file="$CLIENT_OPTIONS" --batch --skip-column-names "$DB_NAME" "$@"; }

# Tables the backup does not have (from a later migration) must go too, or
# the schema would claim an old version while holding new tables.
drops=$(client -e "SELECT CONCAT('DROP TABLE \`', table_name, '\`;') FROM information_schema.tables
                   WHERE table_schema = DATABASE() AND table_type = 'BASE TABLE'")
{
  echo "SET FOREIGN_KEY_CHECKS = 0;"
  echo "$drops"
  gunzip -c "$file"
  echo "SET FOREIGN_KEY_CHECKS = 1;"
} | client
echo "restored $DB_NAME from $file"
