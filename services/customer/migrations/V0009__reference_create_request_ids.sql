-- Reference-data creates are idempotent on the caller's request id, like every
-- other create (CreateOnce): regions and dictionary entries, keyed by code,
-- get the row id CreateOnce finds a first create by (and that their change
-- rows now carry), and all three tables the request key column.
ALTER TABLE regions
  ADD COLUMN id BIGINT NOT NULL AUTO_INCREMENT UNIQUE KEY FIRST,
  ADD COLUMN create_request_id VARCHAR(200) NULL,
  ADD UNIQUE KEY regions_create_request (create_request_id);

ALTER TABLE dictionary_entries
  ADD COLUMN id BIGINT NOT NULL AUTO_INCREMENT UNIQUE KEY FIRST,
  ADD COLUMN create_request_id VARCHAR(200) NULL,
  ADD UNIQUE KEY dictionary_entries_create_request (create_request_id);

ALTER TABLE cities
  ADD COLUMN create_request_id VARCHAR(200) NULL,
  ADD UNIQUE KEY cities_create_request (create_request_id);
