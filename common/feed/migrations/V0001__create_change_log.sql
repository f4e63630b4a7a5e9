-- The transactional outbox every service writes in the same transaction as its
-- data: one row per committed change, numbered in commit order.
CREATE TABLE change_log (
  sequence     BIGINT       NOT NULL PRIMARY KEY,
  entity_type  VARCHAR(128) NOT NULL,
  entity_id    BIGINT       NOT NULL,
  operation    TINYINT      NOT NULL,
  actor        VARCHAR(128) NOT NULL,
  request_id   VARCHAR(128) NOT NULL DEFAULT '',
  change_time  DATETIME(6)  NOT NULL,
  state_type   VARCHAR(128) NOT NULL,
  state        LONGBLOB     NOT NULL,
  KEY change_log_entity (entity_type, entity_id, sequence),
  KEY change_log_actor_time (actor, change_time),
  KEY change_log_time (change_time)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_ci;

-- The single counter that hands out sequences. Its row lock is held from the
-- change's insert until commit, so sequences are assigned in commit order and a
-- reader never sees sequence N+1 before N.
CREATE TABLE change_sequence (
  id            TINYINT NOT NULL PRIMARY KEY,
  last_sequence BIGINT  NOT NULL
) ENGINE = InnoDB;

INSERT INTO change_sequence (id, last_sequence) VALUES (1, 0);
