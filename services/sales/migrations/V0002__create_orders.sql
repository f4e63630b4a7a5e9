-- Sales orders (R14) and their lines. Amounts are computed by the service
-- (order_pricing.h) and stored, fen exact. status: 1 draft, 2 confirmed,
-- 3 partially delivered, 4 completed, 5 cancelled.
CREATE TABLE orders (
  id                    BIGINT AUTO_INCREMENT PRIMARY KEY,
  -- Set by the creating transaction as its last write (NULL until then), so
  -- the day's number counter is held for as short a time as it can be.
  number                VARCHAR(32)  NULL,
  customer_id           BIGINT       NOT NULL,
  contact_id            BIGINT       NOT NULL DEFAULT 0,
  status                TINYINT      NOT NULL,
  order_discount_bp     INT          NOT NULL DEFAULT 0,
  total_amount_fen      BIGINT       NOT NULL,
  total_tax_fen         BIGINT       NOT NULL,
  order_date            DATE         NOT NULL,
  delivery_date         DATE         NULL,
  remarks               TEXT         NOT NULL,
  cancel_reason         VARCHAR(500) NOT NULL DEFAULT '',
  owner_id              BIGINT       NOT NULL,
  owner_department_id   BIGINT       NOT NULL,
  owner_department_path VARCHAR(255) NOT NULL,
  version               BIGINT       NOT NULL DEFAULT 1,
  create_request_id     VARCHAR(200) NULL,
  created_at            DATETIME(6)  NOT NULL,
  updated_at            DATETIME(6)  NOT NULL,
  UNIQUE KEY orders_number (number),
  UNIQUE KEY orders_create_request (create_request_id),
  KEY orders_customer (customer_id, id),
  KEY orders_owner (owner_id, id),
  KEY orders_department (owner_department_path, id),
  KEY orders_owner_department (owner_department_id)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_ci;

CREATE TABLE order_lines (
  id                       BIGINT AUTO_INCREMENT PRIMARY KEY,
  order_id                 BIGINT       NOT NULL,
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
  UNIQUE KEY order_lines_position (order_id, line_no),
  KEY order_lines_product (product_id),
  CONSTRAINT order_lines_never_overdelivered
    CHECK (delivered_milli >= 0 AND delivered_milli <= quantity_milli)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_ci;

-- One row per DeliverOrder call with a request id: a retry finds it and
-- delivers nothing more.
CREATE TABLE order_deliveries (
  id                BIGINT AUTO_INCREMENT PRIMARY KEY,
  order_id          BIGINT       NOT NULL,
  create_request_id VARCHAR(200) NOT NULL,
  created_at        DATETIME(6)  NOT NULL,
  UNIQUE KEY order_deliveries_request (create_request_id)
) ENGINE = InnoDB;

-- Document numbers per type and company day (SO20261205-0001): taken in the
-- creating transaction, so a number is never given twice; a create that
-- rolls back gives its number back with it, and a committed one is never
-- deleted, so none is ever reused.
CREATE TABLE document_numbers (
  prefix     VARCHAR(8) NOT NULL,
  day        DATE       NOT NULL,
  last_value INT        NOT NULL,
  PRIMARY KEY (prefix, day)
) ENGINE = InnoDB;

-- Where each employee works, as the org change feed last said (see
-- common/feed/owner_departments.h).
CREATE TABLE owner_departments (
  employee_id     BIGINT       NOT NULL PRIMARY KEY,
  department_id   BIGINT       NOT NULL,
  department_path VARCHAR(255) NOT NULL,
  KEY owner_departments_department (department_id)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_ci;
