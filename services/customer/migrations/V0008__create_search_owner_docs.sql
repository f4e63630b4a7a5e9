-- Each customer's search document again, clustered by owner: a caller who
-- sees only their own customers scans their few documents in one range
-- instead of looking each up among everyone's (services/customer/search_*).
-- Kept by the search indexer beside search_docs; one row per indexed
-- customer (the unique key), moved when the customer changes owner.
CREATE TABLE search_owner_docs (
  owner_id    BIGINT      NOT NULL,
  customer_id BIGINT      NOT NULL,
  doc         MEDIUMTEXT  CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
  PRIMARY KEY (owner_id, customer_id),
  UNIQUE KEY search_owner_docs_customer (customer_id)
) ENGINE = InnoDB;

-- The documents indexed so far (the indexer keeps the rest from now on).
INSERT INTO search_owner_docs (owner_id, customer_id, doc)
SELECT c.owner_id, d.customer_id, d.doc
  FROM search_docs d JOIN customers c ON c.id = d.customer_id;
