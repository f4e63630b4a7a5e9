-- Duplicate checks (查重): the unified social credit code, unique among live
-- customers, and the keys names and phones are compared under (computed by
-- the service: duplicate_keys.h). "Same name in the same city" now compares
-- name keys, so 有限公司 / 有限责任公司, full and half width, （）and ()
-- meet; the unique key on live_name_city keeps refusing them when two
-- creates race.
--
-- Rows written before this have name_key = name (what the unique key held
-- until now) and keys_version 0; the service recomputes their keys in the
-- background (DuplicateKeyBackfill) and sets keys_version 1 (2: the
-- normalised name collides with another live customer in the same city, so
-- the row keeps its own name as its key and is reported in the log).
ALTER TABLE customers
  ADD COLUMN credit_code VARCHAR(18) NULL AFTER tax_id,
  ADD COLUMN name_key VARCHAR(200) NULL,
  ADD COLUMN phone_key VARCHAR(32) NOT NULL DEFAULT '',
  ADD COLUMN keys_version TINYINT NOT NULL DEFAULT 1;

UPDATE customers SET name_key = name, keys_version = 0;

ALTER TABLE customers
  MODIFY COLUMN name_key VARCHAR(200) NOT NULL,
  MODIFY COLUMN live_name_city VARCHAR(240)
    GENERATED ALWAYS AS (IF(deleted_at IS NULL, CONCAT(name_key, '|', COALESCE(city_id, 0)), NULL))
    STORED,
  ADD COLUMN live_credit_code VARCHAR(18)
    GENERATED ALWAYS AS (IF(deleted_at IS NULL, credit_code, NULL)) STORED,
  ADD UNIQUE KEY customers_live_credit_code (live_credit_code),
  ADD KEY customers_name_key (name_key),
  ADD KEY customers_phone_key (phone_key),
  ADD KEY customers_keys_version (keys_version);
