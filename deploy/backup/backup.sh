#!/usr/bin/env bash
# Backs up one service's schema: a consistent, compressed logical dump.
#
#   deploy/backup/backup.sh <service> <file.sql.gz>
#
# Connects with the service's own settings: CRM_DB_HOST, CRM_DB_PORT,
# CRM_DB_NAME, CRM_DB_USER (defaults 127.0.0.1, 3306, crm_<service>,
# crm_<service>) and CRM_DB_PASSWORD. Safe while the service runs: every table
# is InnoDB, and --single-transaction reads them all from one snapshot without
# locking writers. The dump includes the migration history, so a restored
# schema knows its version. Writes <file> and <file>.sha256 only once the
# dump is complete.
set -euo pipefail
source "$(dirname "$0")/db_client.sh"
out=${2:-}
[ -n "$out" ] || die "usage: backup.sh <service> <file.sql.gz>"

mkdir -p "$(dirname "$out")"
partial="$out.partial"
mariadb-dump --defaults-extra-file="$CLIENT_OPTIONS" --single-transaction --quick \
  --routines --triggers --hex-blob --no-tablespaces --skip-dump-date "$DB_NAME" |
  gzip -6 >"$partial"
# pipefail: a failed dump fails the script before the file is published.
mv "$partial" "$out"
(cd "$(dirname "$out")" && sha256sum "$(basename "$out")" >"$(basename "$out").sha256")
echo "backed up $DB_NAME to $out ($(stat -c %s "$out") bytes)"
