-- Products (R11) and their stock. Money is BIGINT fen; quantities are BIGINT
-- thousandths of the unit.
CREATE TABLE products (
  id                        BIGINT AUTO_INCREMENT PRIMARY KEY,
  name                      VARCHAR(200) NOT NULL,
  model                     VARCHAR(200) NOT NULL DEFAULT '',
  specification             VARCHAR(500) NOT NULL DEFAULT '',
  unit                      VARCHAR(20)  NOT NULL,
  list_price_fen            BIGINT       NOT NULL,
  cost_price_fen            BIGINT       NOT NULL,
  vat_rate_percent          TINYINT      NOT NULL,
  discontinued              BOOLEAN      NOT NULL DEFAULT FALSE,
  low_stock_threshold_milli BIGINT       NOT NULL DEFAULT 0,
  version                   BIGINT       NOT NULL DEFAULT 1,
  create_request_id         VARCHAR(200) NULL,
  created_at                DATETIME(6)  NOT NULL,
  updated_at                DATETIME(6)  NOT NULL,
  UNIQUE KEY products_create_request (create_request_id),
  KEY products_name (name, id)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_ci;

-- One row per product, moved in the same transaction as each movement or
-- reservation: on_hand_milli is the sum of the product's movements (a test
-- checks it), reserved_milli what confirmed orders hold. The row is the lock
-- that serialises everything done to one product's stock; the CHECK is the
-- last guard against selling what is not there.
CREATE TABLE stock_levels (
  product_id     BIGINT NOT NULL PRIMARY KEY,
  on_hand_milli  BIGINT NOT NULL DEFAULT 0,
  reserved_milli BIGINT NOT NULL DEFAULT 0,
  CONSTRAINT stock_levels_never_oversold
    CHECK (reserved_milli >= 0 AND on_hand_milli >= reserved_milli)
) ENGINE = InnoDB;

-- The ledger: never updated, never deleted. kind: 1 receipt, 2 shipment, 3 adjustment.
CREATE TABLE stock_movements (
  id                BIGINT AUTO_INCREMENT PRIMARY KEY,
  product_id        BIGINT       NOT NULL,
  kind              TINYINT      NOT NULL,
  quantity_milli    BIGINT       NOT NULL,
  reason            VARCHAR(500) NOT NULL DEFAULT '',
  order_id          BIGINT       NULL,
  actor             VARCHAR(100) NOT NULL,
  create_request_id VARCHAR(200) NULL,
  created_at        DATETIME(6)  NOT NULL,
  UNIQUE KEY stock_movements_create_request (create_request_id),
  KEY stock_movements_product (product_id, id)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_ci;
