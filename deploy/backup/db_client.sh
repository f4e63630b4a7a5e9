# Shared by backup.sh and restore.sh: which schema, and a client option file
# holding the credentials (so the password never appears in a process list).
# Source it with the service name in $1.

SERVICES="customer sales feedback org reporting"

die() { echo "$(basename "$0"): $*" >&2; exit 1; }

service=${1:-}
case " $SERVICES " in
  *" $service "*) ;;
  *) die "first argument: one of $SERVICES" ;;
esac

# The same settings the service itself reads (CRM_DB_*), with its defaults.
DB_NAME=${CRM_DB_NAME:-crm_$service}
DB_USER=${CRM_DB_USER:-crm_$service}
[ -n "${CRM_DB_PASSWORD:-}" ] || die "CRM_DB_PASSWORD is not set"

CLIENT_OPTIONS=$(mktemp)
trap 'rm -f "$CLIENT_OPTIONS"' EXIT
chmod 600 "$CLIENT_OPTIONS"
cat >"$CLIENT_OPTIONS" <<OPTIONS
[client]
host=${CRM_DB_HOST:-127.0.0.1}
port=${CRM_DB_PORT:-3306}
user=$DB_USER
password="$(printf '%s' "$CRM_DB_PASSWORD" | sed 's/\\/\\\\/g; s/"/\\"/g')"
default-character-set=utf8mb4
OPTIONS
