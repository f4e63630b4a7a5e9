-- The sales feed's contact records (跟进记录), and each customer's last order
-- and contact days (the churn list, R37), kept by the sales feed alone so
-- they never depend on the customer feed having arrived first.
CREATE TABLE contact_records (
  id                    BIGINT       NOT NULL PRIMARY KEY,
  customer_id           BIGINT       NOT NULL,
  contact_date          DATE         NOT NULL,
  owner_id              BIGINT       NOT NULL,
  owner_department_id   BIGINT       NOT NULL,
  owner_department_path VARCHAR(255) NOT NULL,
  KEY contact_records_date (contact_date),
  KEY contact_records_owner (owner_id),
  KEY contact_records_path (owner_department_path)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_ci;

CREATE TABLE customer_activity (
  customer_id       BIGINT NOT NULL PRIMARY KEY,
  last_order_date   DATE   NULL,
  last_contact_date DATE   NULL,
  last_activity     DATE   NOT NULL,
  KEY customer_activity_last (last_activity, customer_id)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_ci;
