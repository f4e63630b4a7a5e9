-- Where each employee works, as the org service's change feed last said:
-- a customer created, imported or claimed takes its owner's department from
-- here, not from the caller's token (which may be minutes older than a
-- transfer). Filled by replaying the org feed from the start: the cursor is
-- reset, and applying a change again is harmless (it only sets values).
CREATE TABLE owner_departments (
  employee_id     BIGINT       NOT NULL PRIMARY KEY,
  department_id   BIGINT       NOT NULL,
  department_path VARCHAR(255) NOT NULL,
  KEY owner_departments_department (department_id)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_ci;

UPDATE feed_cursors SET last_sequence = 0 WHERE name = 'org';
