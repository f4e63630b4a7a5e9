-- Row-level visibility: each customer records its owner's department beside
-- the owner: the path ("/1/4/9/") for subtree queries, the id to follow the
-- department when it moves. Create request ids become per caller
-- ("<actor>|<request id>"), so callers cannot collide.
ALTER TABLE customers
  ADD COLUMN owner_department_id BIGINT NOT NULL DEFAULT 0 AFTER owner_id,
  ADD COLUMN owner_department_path VARCHAR(255) NOT NULL DEFAULT '' AFTER owner_department_id,
  MODIFY COLUMN create_request_id VARCHAR(200) NULL,
  ADD KEY customers_owner (owner_id, id),
  ADD KEY customers_owner_department (owner_department_id),
  ADD KEY customers_owner_path (owner_department_path, id);
