-- What an update changed: the record's state before it, and the names of the
-- fields that differ (comma-separated). Both added at the end of the table, so
-- MariaDB adds them instantly, without copying existing rows.
ALTER TABLE change_log
  ADD COLUMN previous_state LONGBLOB NULL,
  ADD COLUMN changed_fields VARCHAR(2000) NOT NULL DEFAULT '';
