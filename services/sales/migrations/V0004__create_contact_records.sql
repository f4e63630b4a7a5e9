-- Contact records (R13, 跟进记录). method: 1 visit, 2 phone, 3 email,
-- 4 meeting, 5 WeChat, 6 other.
CREATE TABLE contact_records (
  id                    BIGINT AUTO_INCREMENT PRIMARY KEY,
  contact_date          DATE          NOT NULL,
  customer_id           BIGINT        NOT NULL,
  contact_id            BIGINT        NOT NULL DEFAULT 0,
  method                TINYINT       NOT NULL,
  subject               VARCHAR(200)  NOT NULL,
  content               TEXT          NOT NULL,
  next_step             VARCHAR(500)  NOT NULL DEFAULT '',
  reminder_date         DATE          NULL,
  opportunity_id        BIGINT        NOT NULL DEFAULT 0,
  owner_id              BIGINT        NOT NULL,
  owner_department_id   BIGINT        NOT NULL,
  owner_department_path VARCHAR(255)  NOT NULL,
  version               BIGINT        NOT NULL DEFAULT 1,
  create_request_id     VARCHAR(200)  NULL,
  created_at            DATETIME(6)   NOT NULL,
  updated_at            DATETIME(6)   NOT NULL,
  UNIQUE KEY contact_records_create_request (create_request_id),
  KEY contact_records_customer (customer_id, contact_date, id),
  KEY contact_records_owner (owner_id, contact_date, id),
  KEY contact_records_department (owner_department_path, contact_date, id),
  KEY contact_records_owner_department (owner_department_id),
  KEY contact_records_opportunity (opportunity_id),
  KEY contact_records_reminder (owner_id, reminder_date)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_ci;

-- Reminders (R43) read open opportunities and orders by owner and date.
CREATE INDEX opportunities_owner_close ON opportunities (owner_id, status, expected_close_date);
CREATE INDEX orders_owner_delivery ON orders (owner_id, status, delivery_date);
