-- Where each consumer of another service's change feed has got to. The cursor
-- moves in the same transaction as the effects of the changes, so every change
-- takes effect exactly once, also with several replicas consuming.
CREATE TABLE feed_cursors (
  name          VARCHAR(64) NOT NULL PRIMARY KEY,
  last_sequence BIGINT      NOT NULL,
  updated_at    DATETIME(6) NOT NULL
) ENGINE = InnoDB;
