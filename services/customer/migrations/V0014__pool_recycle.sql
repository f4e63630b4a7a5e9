-- The pool's daily recycle (公海回收): customers with no follow-up, or no won
-- order, for a level's number of days go back to the pool.
--
-- What the sales feed says of each customer (sales_follow_ups.h): its last
-- follow-up (a contact record, an order, an opportunity's stage move) and its
-- last win (an order confirmed, an opportunity won). owned_since is when the
-- current owner took it (NULL: since it was created). The two clocks are
-- what a rule's days count from: the latest of those and the start of the
-- ownership, NULL in the pool. Indexed, so a run reads only the customers
-- whose time is up.
ALTER TABLE customers
  ADD COLUMN last_follow_up_at DATETIME(6) NULL,
  ADD COLUMN last_won_at       DATETIME(6) NULL,
  ADD COLUMN owned_since       DATETIME(6) NULL,
  ADD COLUMN follow_up_clock   DATETIME(6) AS (IF(owner_id = 0 OR deleted_at IS NOT NULL, NULL,
      GREATEST(COALESCE(owned_since, created_at),
               COALESCE(last_follow_up_at, owned_since, created_at)))) PERSISTENT,
  ADD COLUMN won_clock         DATETIME(6) AS (IF(owner_id = 0 OR deleted_at IS NOT NULL, NULL,
      GREATEST(COALESCE(owned_since, created_at),
               COALESCE(last_won_at, owned_since, created_at)))) PERSISTENT,
  ADD KEY customers_follow_up_clock (follow_up_clock),
  ADD KEY customers_won_clock (won_clock);

-- Per level: days without a follow-up (N) or a win (M) before a customer
-- goes back; the owner is warned K days before. 0: no such rule.
ALTER TABLE pool_rules
  ADD COLUMN recycle_no_follow_up_days INT NOT NULL DEFAULT 0,
  ADD COLUMN recycle_no_win_days       INT NOT NULL DEFAULT 0,
  ADD COLUMN recycle_warning_days      INT NOT NULL DEFAULT 0,
  ADD CONSTRAINT pool_rules_recycle_not_negative CHECK (
    recycle_no_follow_up_days >= 0 AND recycle_no_win_days >= 0 AND recycle_warning_days >= 0);

-- One row per run: the scheduled run of a day (run_day set, so a day runs
-- once however many replicas try), or one on demand (run_day NULL).
CREATE TABLE pool_recycle_runs (
  id          BIGINT AUTO_INCREMENT PRIMARY KEY,
  run_day     DATE        NULL,
  started_at  DATETIME(6) NOT NULL,
  finished_at DATETIME(6) NULL,
  recycled    INT         NOT NULL DEFAULT 0,
  actor       VARCHAR(200) NOT NULL,
  UNIQUE KEY pool_recycle_runs_day (run_day)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_ci;

-- Each customer sent back, with the rule that did it; undone_at once an
-- administrator gave it back to its owner.
CREATE TABLE pool_recycles (
  id             BIGINT AUTO_INCREMENT PRIMARY KEY,
  run_id         BIGINT       NOT NULL,
  customer_id    BIGINT       NOT NULL,
  owner_id       BIGINT       NOT NULL,
  level_code     VARCHAR(32)  NOT NULL,
  reason         TINYINT      NOT NULL,
  rule_days      INT          NOT NULL,
  last_event_at  DATETIME(6)  NOT NULL,
  recycled_at    DATETIME(6)  NOT NULL,
  undone_at      DATETIME(6)  NULL,
  undone_by      VARCHAR(200) NULL,
  KEY pool_recycles_run (run_id, id),
  KEY pool_recycles_customer (customer_id, id)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_ci;
