-- Receivables (回款) of contracts: the payment plan, the receipt ledger and
-- invoices. The contract row keeps the running totals, written in the same
-- transaction as the rows they sum, under the contract's row lock (which is
-- what serialises the money of one contract); the CHECKs hold the
-- invariants even against a bug.
ALTER TABLE contracts
  ADD COLUMN received_fen BIGINT NOT NULL DEFAULT 0,
  ADD COLUMN prepaid_fen  BIGINT NOT NULL DEFAULT 0,
  ADD COLUMN invoiced_fen BIGINT NOT NULL DEFAULT 0,
  ADD CONSTRAINT contracts_receivables_in_bounds CHECK (
    received_fen >= 0 AND received_fen <= amount_fen AND prepaid_fen >= 0
    AND invoiced_fen >= 0 AND invoiced_fen <= amount_fen);

-- The plan: instalments of a contract, numbered in due-date order.
-- received_fen is what receipt_allocations put on each.
CREATE TABLE payment_instalments (
  id           BIGINT AUTO_INCREMENT PRIMARY KEY,
  contract_id  BIGINT NOT NULL,
  sequence     INT    NOT NULL,
  due_date     DATE   NOT NULL,
  amount_fen   BIGINT NOT NULL,
  received_fen BIGINT NOT NULL DEFAULT 0,
  -- 1 while money is outstanding: the overdue and due-this-week lists read
  -- only these, by due date.
  open         TINYINT AS (received_fen < amount_fen) PERSISTENT,
  UNIQUE KEY payment_instalments_sequence (contract_id, sequence),
  KEY payment_instalments_open_due (open, due_date, id),
  CONSTRAINT payment_instalments_amounts CHECK (
    amount_fen > 0 AND received_fen >= 0 AND received_fen <= amount_fen)
) ENGINE = InnoDB;

-- The receipt ledger (回款记录). kind: crm.sales.v1.ReceiptKind. Rows are
-- never updated: a refund or a void is a row of its own with negative
-- amounts. amount_fen = applied_fen + prepaid_fen.
CREATE TABLE receipts (
  id                BIGINT AUTO_INCREMENT PRIMARY KEY,
  contract_id       BIGINT       NOT NULL,
  kind              TINYINT      NOT NULL,
  amount_fen        BIGINT       NOT NULL,
  applied_fen       BIGINT       NOT NULL,
  prepaid_fen       BIGINT       NOT NULL,
  received_date     DATE         NOT NULL,
  method            TINYINT      NOT NULL,
  payer             VARCHAR(200) NOT NULL,
  reference         VARCHAR(100) NOT NULL,
  remarks           VARCHAR(500) NOT NULL,
  instalment_id     BIGINT       NULL,  -- named by the caller
  voids_receipt_id  BIGINT       NULL,
  recorded_by       BIGINT       NOT NULL,
  version           BIGINT       NOT NULL DEFAULT 1,
  create_request_id VARCHAR(200) NULL,
  created_at        DATETIME(6)  NOT NULL,
  updated_at        DATETIME(6)  NOT NULL,
  UNIQUE KEY receipts_create_request (create_request_id),
  UNIQUE KEY receipts_voids (voids_receipt_id),  -- a receipt is voided once
  KEY receipts_contract (contract_id, id),
  CONSTRAINT receipts_parts_add_up CHECK (amount_fen = applied_fen + prepaid_fen)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_ci;

-- Which instalments a receipt row moved, and by how much (signed).
CREATE TABLE receipt_allocations (
  receipt_id    BIGINT NOT NULL,
  instalment_id BIGINT NOT NULL,
  amount_fen    BIGINT NOT NULL,
  PRIMARY KEY (receipt_id, instalment_id),
  KEY receipt_allocations_instalment (instalment_id)
) ENGINE = InnoDB;

-- Invoices (发票). type: crm.sales.v1.InvoiceType.
CREATE TABLE invoices (
  id                BIGINT AUTO_INCREMENT PRIMARY KEY,
  contract_id       BIGINT       NOT NULL,
  number            VARCHAR(32)  NOT NULL,
  type              TINYINT      NOT NULL,
  amount_fen        BIGINT       NOT NULL,
  tax_fen           BIGINT       NOT NULL,
  invoice_date      DATE         NOT NULL,
  remarks           VARCHAR(500) NOT NULL,
  recorded_by       BIGINT       NOT NULL,
  version           BIGINT       NOT NULL DEFAULT 1,
  create_request_id VARCHAR(200) NULL,
  created_at        DATETIME(6)  NOT NULL,
  updated_at        DATETIME(6)  NOT NULL,
  UNIQUE KEY invoices_number (type, number),
  UNIQUE KEY invoices_create_request (create_request_id),
  KEY invoices_contract (contract_id, id),
  CONSTRAINT invoices_amounts CHECK (amount_fen > 0 AND tax_fen >= 0 AND tax_fen < amount_fen)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_ci;
