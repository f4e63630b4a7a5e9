-- Receivables and campaign return from the sales feed, customers' grade
-- changes from the customer feed (R39), and the monthly sales targets that
-- callers set here (R35).

-- Contracts with their received and prepaid totals, kept as the sum of the
-- receipt rows below (never from the contract's own message, which a receipt
-- does not republish).
CREATE TABLE contracts (
  id                    BIGINT       NOT NULL PRIMARY KEY,
  number                VARCHAR(32)  NOT NULL,
  customer_id           BIGINT       NOT NULL,
  order_id              BIGINT       NOT NULL,
  status                INT          NOT NULL,
  amount_fen            BIGINT       NOT NULL,
  received_fen          BIGINT       NOT NULL DEFAULT 0,
  prepaid_fen           BIGINT       NOT NULL DEFAULT 0,
  owner_id              BIGINT       NOT NULL,
  owner_department_id   BIGINT       NOT NULL,
  owner_department_path VARCHAR(255) NOT NULL,
  KEY contracts_customer (customer_id),
  KEY contracts_order (order_id),
  KEY contracts_owner (owner_id),
  KEY contracts_department (owner_department_id),
  KEY contracts_path (owner_department_path)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_ci;

-- A contract's payment plan (replaced whole by each plan change); received
-- is the sum of the allocations naming the instalment.
CREATE TABLE instalments (
  id           BIGINT NOT NULL PRIMARY KEY,
  contract_id  BIGINT NOT NULL,
  sequence     INT    NOT NULL,
  due_date     DATE   NOT NULL,
  amount_fen   BIGINT NOT NULL,
  received_fen BIGINT NOT NULL DEFAULT 0,
  KEY instalments_contract (contract_id),
  KEY instalments_due (due_date)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_ci;

-- The receipt ledger: receipts, refunds and voids, signed.
CREATE TABLE receipts (
  id            BIGINT NOT NULL PRIMARY KEY,
  contract_id   BIGINT NOT NULL,
  kind          INT    NOT NULL,
  amount_fen    BIGINT NOT NULL,
  applied_fen   BIGINT NOT NULL,
  prepaid_fen   BIGINT NOT NULL,
  received_date DATE   NOT NULL,
  KEY receipts_contract (contract_id),
  KEY receipts_date (received_date)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_ci;

CREATE TABLE receipt_allocations (
  receipt_id    BIGINT NOT NULL,
  instalment_id BIGINT NOT NULL,
  amount_fen    BIGINT NOT NULL,
  PRIMARY KEY (receipt_id, instalment_id),
  KEY receipt_allocations_instalment (instalment_id)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_ci;

CREATE TABLE campaigns (
  id                    BIGINT       NOT NULL PRIMARY KEY,
  name                  VARCHAR(200) NOT NULL,
  start_date            DATE         NOT NULL,
  end_date              DATE         NOT NULL,
  cost_fen              BIGINT       NOT NULL,
  owner_id              BIGINT       NOT NULL,
  owner_department_id   BIGINT       NOT NULL,
  owner_department_path VARCHAR(255) NOT NULL,
  KEY campaigns_owner (owner_id),
  KEY campaigns_path (owner_department_path)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_ci;

ALTER TABLE opportunities ADD COLUMN campaign_id BIGINT NOT NULL DEFAULT 0,
  ADD KEY opportunities_campaign (campaign_id);
ALTER TABLE orders ADD KEY orders_campaign (campaign_id);

-- What the contact list export shows of each record.
ALTER TABLE contact_records ADD COLUMN method INT NOT NULL DEFAULT 0,
  ADD COLUMN subject VARCHAR(200) NOT NULL DEFAULT '',
  ADD COLUMN content TEXT NOT NULL,
  ADD COLUMN next_step VARCHAR(500) NOT NULL DEFAULT '';

-- One row per change of a customer's grade the customer feed showed (the
-- grade the read model held before, and the new one), on the company's day.
CREATE TABLE grade_changes (
  customer_id           BIGINT       NOT NULL,
  sequence              BIGINT       NOT NULL,
  change_date           DATE         NOT NULL,
  from_grade            INT          NOT NULL,
  to_grade              INT          NOT NULL,
  owner_id              BIGINT       NOT NULL,
  owner_department_id   BIGINT       NOT NULL,
  owner_department_path VARCHAR(255) NOT NULL,
  PRIMARY KEY (customer_id, sequence),
  KEY grade_changes_date (change_date),
  KEY grade_changes_path (owner_department_path)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_ci;

-- Monthly sales targets per sales person (SetSalesTargets). Written by
-- callers, not by a feed: a rebuild keeps them.
CREATE TABLE sales_targets (
  employee_id BIGINT  NOT NULL,
  month       CHAR(7) NOT NULL,
  amount_fen  BIGINT  NOT NULL,
  set_by      VARCHAR(128) NOT NULL,
  PRIMARY KEY (employee_id, month),
  KEY sales_targets_month (month)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_ci;

-- The records above reach back to sequence 0 of their feeds, and existing
-- opportunities lack their campaign: empty the read model (as
-- RebuildReadModel does) so every feed is applied again from the start.
DELETE FROM customers;
DELETE FROM orders;
DELETE FROM order_lines;
DELETE FROM opportunities;
DELETE FROM opportunity_stages;
DELETE FROM contact_records;
DELETE FROM customer_activity;
DELETE FROM service_requests;
DELETE FROM owner_departments;
DELETE FROM employee_names;
DELETE FROM department_names;
DELETE FROM feed_positions;
DELETE FROM feed_cursors;
