-- Customers (R1). status and grade hold the numbers of the
-- crm.customer.v1.CustomerStatus / CustomerGrade enums. A delete is soft
-- (deleted_at set) so the record can be restored; version backs the etag.
CREATE TABLE customers (
  id                BIGINT        NOT NULL AUTO_INCREMENT PRIMARY KEY,
  name              VARCHAR(200)  NOT NULL,
  keywords          VARCHAR(500)  NOT NULL DEFAULT '',
  region_code       VARCHAR(32)   NOT NULL,
  city              VARCHAR(64)   NOT NULL DEFAULT '',
  address           VARCHAR(500)  NOT NULL DEFAULT '',
  phone             VARCHAR(32)   NOT NULL DEFAULT '',
  email             VARCHAR(254)  NOT NULL DEFAULT '',
  status            TINYINT       NOT NULL,
  grade             TINYINT       NOT NULL,
  remarks           VARCHAR(2000) NOT NULL DEFAULT '',
  owner_id          BIGINT        NOT NULL DEFAULT 0,
  version           BIGINT        NOT NULL DEFAULT 1,
  create_request_id VARCHAR(128)  NULL,
  created_at        DATETIME(6)   NOT NULL,
  updated_at        DATETIME(6)   NOT NULL,
  deleted_at        DATETIME(6)   NULL,
  UNIQUE KEY customers_create_request (create_request_id),
  KEY customers_status (status, id),
  KEY customers_region (region_code, id),
  CONSTRAINT customers_region_fk FOREIGN KEY (region_code) REFERENCES regions (code)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_ci;
