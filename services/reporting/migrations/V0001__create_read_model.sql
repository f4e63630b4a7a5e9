-- The read model: what reports need of the other services' records, applied
-- from their change feeds (services/reporting/read_model.cc). Ids are the
-- source's; nothing here is written by a caller. feed_cursors (common) holds
-- each feed's last applied sequence, moved in the same transaction.

-- The org feed: where each employee works (row-level visibility) and the
-- names reports show.
CREATE TABLE owner_departments (
  employee_id     BIGINT       NOT NULL PRIMARY KEY,
  department_id   BIGINT       NOT NULL,
  department_path VARCHAR(255) NOT NULL,
  KEY owner_departments_department (department_id)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_ci;

CREATE TABLE employee_names (
  id   BIGINT       NOT NULL PRIMARY KEY,
  name VARCHAR(200) NOT NULL
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_ci;

CREATE TABLE department_names (
  id   BIGINT       NOT NULL PRIMARY KEY,
  name VARCHAR(200) NOT NULL
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_ci;

-- The customer feed. live = 0 while in the recycle bin; a purge deletes.
-- created_date is the day of creation in the company's zone.
CREATE TABLE customers (
  id                    BIGINT       NOT NULL PRIMARY KEY,
  name                  VARCHAR(200) NOT NULL,
  region_code           VARCHAR(64)  NOT NULL,
  industry_code         VARCHAR(64)  NOT NULL,
  type_code             VARCHAR(64)  NOT NULL,
  grade                 INT          NOT NULL,
  status                INT          NOT NULL,
  live                  TINYINT      NOT NULL,
  created_date          DATE         NOT NULL,
  owner_id              BIGINT       NOT NULL,
  owner_department_id   BIGINT       NOT NULL,
  owner_department_path VARCHAR(255) NOT NULL,
  KEY customers_owner (owner_id),
  KEY customers_path (owner_department_path),
  KEY customers_created (created_date)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_ci;

-- The sales feed's orders; counted = 1 while the order is a sale (confirmed,
-- partially delivered or completed). Lines repeat the order's date, counted
-- flag and owner so product reports read one table.
CREATE TABLE orders (
  id                    BIGINT       NOT NULL PRIMARY KEY,
  customer_id           BIGINT       NOT NULL,
  status                INT          NOT NULL,
  counted               TINYINT      NOT NULL,
  order_date            DATE         NOT NULL,
  total_fen             BIGINT       NOT NULL,
  campaign_id           BIGINT       NOT NULL,
  owner_id              BIGINT       NOT NULL,
  owner_department_id   BIGINT       NOT NULL,
  owner_department_path VARCHAR(255) NOT NULL,
  KEY orders_counted_date (counted, order_date),
  KEY orders_customer (customer_id),
  KEY orders_owner (owner_id),
  KEY orders_path (owner_department_path)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_ci;

CREATE TABLE order_lines (
  order_id              BIGINT       NOT NULL,
  line_id               BIGINT       NOT NULL,
  product_id            BIGINT       NOT NULL,
  product_name          VARCHAR(200) NOT NULL,
  quantity_milli        BIGINT       NOT NULL,
  amount_fen            BIGINT       NOT NULL,
  cost_fen              BIGINT       NOT NULL,
  counted               TINYINT      NOT NULL,
  order_date            DATE         NOT NULL,
  owner_id              BIGINT       NOT NULL,
  owner_department_id   BIGINT       NOT NULL,
  owner_department_path VARCHAR(255) NOT NULL,
  PRIMARY KEY (order_id, line_id),
  KEY order_lines_counted_date (counted, order_date),
  KEY order_lines_owner (owner_id),
  KEY order_lines_path (owner_department_path)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_ci;

-- When the source committed the last change applied from each feed (its lag).
CREATE TABLE feed_positions (
  name             VARCHAR(100) NOT NULL PRIMARY KEY,
  last_change_time DATETIME(6)  NOT NULL
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_ci;
