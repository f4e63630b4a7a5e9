-- Contacts (R5) and customer events (R8). Both are seen through their
-- customer's visibility, so they carry no owner path of their own.

CREATE TABLE contacts (
  id                BIGINT        NOT NULL AUTO_INCREMENT PRIMARY KEY,
  customer_id       BIGINT        NOT NULL,
  name              VARCHAR(100)  NOT NULL,
  salutation        VARCHAR(32)   NOT NULL DEFAULT '',
  is_primary        TINYINT       NOT NULL DEFAULT 0,
  department        VARCHAR(100)  NOT NULL DEFAULT '',
  position          VARCHAR(100)  NOT NULL DEFAULT '',
  office_phone      VARCHAR(32)   NOT NULL DEFAULT '',
  mobile_phone      VARCHAR(32)   NOT NULL DEFAULT '',
  home_phone        VARCHAR(32)   NOT NULL DEFAULT '',
  fax               VARCHAR(32)   NOT NULL DEFAULT '',
  email             VARCHAR(254)  NOT NULL DEFAULT '',
  qq                VARCHAR(32)   NOT NULL DEFAULT '',
  wechat            VARCHAR(64)   NOT NULL DEFAULT '',
  birthday          VARCHAR(10)   NOT NULL DEFAULT '',
  -- month * 100 + day of the birthday, for care reminders; NULL when unknown.
  birthday_md       SMALLINT      NULL,
  hobbies           VARCHAR(500)  NOT NULL DEFAULT '',
  address           VARCHAR(500)  NOT NULL DEFAULT '',
  remarks           VARCHAR(2000) NOT NULL DEFAULT '',
  owner_id          BIGINT        NOT NULL DEFAULT 0,
  version           BIGINT        NOT NULL DEFAULT 1,
  create_request_id VARCHAR(200)  NULL,
  created_at        DATETIME(6)   NOT NULL,
  updated_at        DATETIME(6)   NOT NULL,
  deleted_at        DATETIME(6)   NULL,
  -- At most one live primary contact per customer, enforced by the database
  -- as well as by the code that switches it.
  primary_of        BIGINT GENERATED ALWAYS AS
                      (IF(is_primary = 1 AND deleted_at IS NULL, customer_id, NULL)) STORED,
  UNIQUE KEY contacts_primary_of (primary_of),
  UNIQUE KEY contacts_create_request (create_request_id),
  KEY contacts_customer (customer_id, id),
  KEY contacts_name (name),
  KEY contacts_birthday (birthday_md),
  CONSTRAINT contacts_customer_fk FOREIGN KEY (customer_id) REFERENCES customers (id)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_ci;

CREATE TABLE contact_anniversaries (
  id          BIGINT       NOT NULL AUTO_INCREMENT PRIMARY KEY,
  contact_id  BIGINT       NOT NULL,
  date_text   VARCHAR(10)  NOT NULL,
  md          SMALLINT     NOT NULL,
  description VARCHAR(100) NOT NULL,
  KEY contact_anniversaries_contact (contact_id),
  KEY contact_anniversaries_md (md),
  CONSTRAINT contact_anniversaries_contact_fk FOREIGN KEY (contact_id) REFERENCES contacts (id)
    ON DELETE CASCADE
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_ci;

CREATE TABLE customer_events (
  id                BIGINT        NOT NULL AUTO_INCREMENT PRIMARY KEY,
  customer_id       BIGINT        NOT NULL,
  type_code         VARCHAR(32)   NOT NULL,
  occur_at          DATETIME(6)   NOT NULL,
  title             VARCHAR(200)  NOT NULL,
  description       VARCHAR(4000) NOT NULL DEFAULT '',
  contact_id        BIGINT        NULL,
  recorded_by       BIGINT        NOT NULL DEFAULT 0,
  create_request_id VARCHAR(200)  NULL,
  created_at        DATETIME(6)   NOT NULL,
  UNIQUE KEY customer_events_create_request (create_request_id),
  KEY customer_events_customer (customer_id, occur_at, id),
  KEY customer_events_type (type_code, occur_at, id),
  KEY customer_events_time (occur_at, id),
  CONSTRAINT customer_events_customer_fk FOREIGN KEY (customer_id) REFERENCES customers (id)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_ci;
