-- Each customer's search document again, clustered by owner: a caller who
-- sees only their own customers scans their few documents in one range
-- instead of looking each up among everyone's (services/customer/search_*).
-- Kept by the search indexer beside search_docs; one row per indexed
-- customer (the unique key), moved when the customer changes owner.
-- Each statement may run again after a failure part-way (IF NOT EXISTS,
-- IGNORE), so a retried start-up completes the migration.
CREATE TABLE IF NOT EXISTS search_owner_docs (
  owner_id    BIGINT      NOT NULL,
  customer_id BIGINT      NOT NULL,
  doc         MEDIUMTEXT  CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
  PRIMARY KEY (owner_id, customer_id),
  UNIQUE KEY search_owner_docs_customer (customer_id)
) ENGINE = InnoDB;

-- The copies follow the change log from where the index is now (read before
-- the copies are taken, so they are at least that recent); the indexer reads
-- any change after it again (search_indexer.h), also those that replicas of
-- the previous release index while this one rolls out.
INSERT IGNORE INTO feed_cursors (name, last_sequence, updated_at)
SELECT 'search-owner-docs', last_sequence, UTC_TIMESTAMP(6)
  FROM feed_cursors WHERE name = 'search-index';

-- The documents indexed so far.
INSERT IGNORE INTO search_owner_docs (owner_id, customer_id, doc)
SELECT c.owner_id, d.customer_id, d.doc
  FROM search_docs d JOIN customers c ON c.id = d.customer_id;
