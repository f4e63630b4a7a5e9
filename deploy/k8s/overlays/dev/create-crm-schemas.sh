# Creates each service's schema crm_<service> and its user crm_<service>, granted
# on that schema only (`crm\_x`: GRANT reads a bare _ as a wildcard). The mariadb
# image sources this file (it is mounted non-executable) once, when the data
# directory is new; docker_process_sql is the image's entrypoint function that runs
# SQL as root over the local socket. Passwords come from the crm-db-<service>
# Secrets through CRM_DB_PASSWORD_<SERVICE> (mariadb.yaml).

# shellcheck shell=bash

# Quotes a string for a single-quoted SQL literal (backslash escapes are on).
crm_sql_quote() {
  local s=${1//\\/\\\\}
  printf "'%s'" "${s//\'/\\\'}"
}

for crm_service in customer sales feedback org reporting; do
  crm_password_var="CRM_DB_PASSWORD_${crm_service^^}"
  if [ -z "${!crm_password_var:-}" ]; then
    mysql_error "$crm_password_var is empty: create Secret crm-db-$crm_service (key password)"
  fi
  mysql_note "creating schema and user crm_$crm_service"
  docker_process_sql --database=mysql <<SQL
CREATE DATABASE IF NOT EXISTS crm_$crm_service
  CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;
CREATE USER IF NOT EXISTS 'crm_$crm_service'@'%' IDENTIFIED BY $(crm_sql_quote "${!crm_password_var}");
GRANT ALL ON \`crm\\_$crm_service\`.* TO 'crm_$crm_service'@'%';
SQL
done
unset crm_service crm_password_var
