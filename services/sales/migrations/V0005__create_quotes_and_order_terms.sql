-- R14's remaining order terms: the campaign an order is attributed to (R15),
-- whether it has been invoiced, and a reminder date for its owner (R43).
ALTER TABLE orders
  ADD COLUMN campaign_id   BIGINT  NOT NULL DEFAULT 0,
  ADD COLUMN invoiced      BOOLEAN NOT NULL DEFAULT FALSE,
  ADD COLUMN reminder_date DATE    NULL,
  ADD COLUMN quote_id      BIGINT  NOT NULL DEFAULT 0,
  ADD KEY orders_campaign (campaign_id),
  ADD KEY orders_reminder (owner_id, reminder_date);

-- Quotes (R16): priced like orders (order_pricing.h); an accepted quote
-- names the order it became. status: 1 draft, 2 sent, 3 accepted, 4 rejected.
CREATE TABLE quotes (
  id                    BIGINT AUTO_INCREMENT PRIMARY KEY,
  number                VARCHAR(32)  NULL,  -- set last by the creating transaction
  customer_id           BIGINT       NOT NULL,
  contact_id            BIGINT       NOT NULL DEFAULT 0,
  opportunity_id        BIGINT       NOT NULL DEFAULT 0,
  status                TINYINT      NOT NULL,
  order_discount_bp     INT          NOT NULL DEFAULT 0,
  total_amount_fen      BIGINT       NOT NULL,
  total_tax_fen         BIGINT       NOT NULL,
  quote_date            DATE         NOT NULL,
  valid_until           DATE         NOT NULL,
  remarks               TEXT         NOT NULL,
  reject_reason         VARCHAR(500) NOT NULL DEFAULT '',
  order_id              BIGINT       NOT NULL DEFAULT 0,
  owner_id              BIGINT       NOT NULL,
  owner_department_id   BIGINT       NOT NULL,
  owner_department_path VARCHAR(255) NOT NULL,
  version               BIGINT       NOT NULL DEFAULT 1,
  create_request_id     VARCHAR(200) NULL,
  created_at            DATETIME(6)  NOT NULL,
  updated_at            DATETIME(6)  NOT NULL,
  UNIQUE KEY quotes_number (number),
  UNIQUE KEY quotes_create_request (create_request_id),
  KEY quotes_customer (customer_id, id),
  KEY quotes_owner (owner_id, id),
  KEY quotes_department (owner_department_path, id),
  KEY quotes_owner_department (owner_department_id)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_ci;

-- The same columns as order_lines, so one piece of code reads and writes
-- both (document_lines.h); a quote line's delivered_milli stays 0.
CREATE TABLE quote_lines (
  id                       BIGINT AUTO_INCREMENT PRIMARY KEY,
  quote_id                 BIGINT       NOT NULL,
  line_no                  SMALLINT     NOT NULL,
  product_id               BIGINT       NOT NULL,
  product_name             VARCHAR(200) NOT NULL,
  model                    VARCHAR(200) NOT NULL,
  specification            VARCHAR(500) NOT NULL,
  unit                     VARCHAR(20)  NOT NULL,
  cost_price_fen           BIGINT       NOT NULL,
  vat_rate_percent         TINYINT      NOT NULL,
  unit_price_fen           BIGINT       NOT NULL,
  quantity_milli           BIGINT       NOT NULL,
  discount_bp              INT          NOT NULL,
  amount_before_order_discount_fen BIGINT NOT NULL,
  order_discount_share_fen BIGINT       NOT NULL,
  amount_fen               BIGINT       NOT NULL,
  tax_fen                  BIGINT       NOT NULL,
  delivered_milli          BIGINT       NOT NULL DEFAULT 0,
  UNIQUE KEY quote_lines_position (quote_id, line_no),
  KEY quote_lines_product (product_id)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_ci;
