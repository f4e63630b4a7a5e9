-- The pool's rules per customer level (公海规则): a holding limit per owner
-- and a cooldown before a customer one gave up may be claimed again.
-- level_code '' is the rule of levels without one of their own.
CREATE TABLE pool_rules (
  level_code              VARCHAR(32) NOT NULL PRIMARY KEY,
  max_customers_per_owner INT         NOT NULL DEFAULT 0,
  reclaim_cooldown_days   INT         NOT NULL DEFAULT 0,
  updated_at              DATETIME(6) NOT NULL,
  CONSTRAINT pool_rules_not_negative CHECK (
    max_customers_per_owner >= 0 AND reclaim_cooldown_days >= 0)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_ci;

-- When each employee last gave up each customer (released it, or had it
-- transferred away): what the cooldown counts from.
CREATE TABLE pool_departures (
  customer_id BIGINT      NOT NULL,
  employee_id BIGINT      NOT NULL,
  left_at     DATETIME(6) NOT NULL,
  PRIMARY KEY (customer_id, employee_id)
) ENGINE = InnoDB;

-- One row per employee who has taken customers, locked by each claim or
-- assignment to them, so two at once cannot both pass the holding limit.
CREATE TABLE pool_holders (
  employee_id BIGINT NOT NULL PRIMARY KEY
) ENGINE = InnoDB;

-- The owner's customers of a level, counted for the limit.
ALTER TABLE customers ADD KEY customers_owner_level (owner_id, level_code);
