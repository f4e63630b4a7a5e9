-- The requirement library (R19; status 1 new, 2 under review, 3 accepted,
-- 4 rejected, 5 scheduled, 6 delivered), customers' requests linked to a
-- requirement, and implementation records (R20).
CREATE TABLE requirements (
  id                      BIGINT AUTO_INCREMENT PRIMARY KEY,
  title                   VARCHAR(200)  NOT NULL,
  description             TEXT          NOT NULL,
  status                  TINYINT       NOT NULL,
  responsible_employee_id BIGINT        NOT NULL DEFAULT 0,
  handling_opinion        VARCHAR(2000) NOT NULL DEFAULT '',
  request_count           INT           NOT NULL DEFAULT 0,
  created_by_employee_id  BIGINT        NOT NULL DEFAULT 0,
  version                 BIGINT        NOT NULL DEFAULT 1,
  create_request_id       VARCHAR(200)  NULL,
  created_at              DATETIME(6)   NOT NULL,
  updated_at              DATETIME(6)   NOT NULL,
  UNIQUE KEY requirements_create_request (create_request_id),
  KEY requirements_status (status, id),
  KEY requirements_updated (updated_at)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_ci;

CREATE TABLE requirement_requests (
  id                       BIGINT AUTO_INCREMENT PRIMARY KEY,
  requirement_id           BIGINT        NOT NULL,
  customer_id              BIGINT        NOT NULL,
  service_request_id       BIGINT        NOT NULL DEFAULT 0,
  description              VARCHAR(2000) NOT NULL,
  requested_by_employee_id BIGINT        NOT NULL DEFAULT 0,
  create_request_id        VARCHAR(200)  NULL,
  created_at               DATETIME(6)   NOT NULL,
  UNIQUE KEY requirement_requests_create_request (create_request_id),
  KEY requirement_requests_requirement (requirement_id, id),
  KEY requirement_requests_customer (customer_id)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_ci;

CREATE TABLE implementation_records (
  id                    BIGINT AUTO_INCREMENT PRIMARY KEY,
  customer_id           BIGINT        NOT NULL,
  project               VARCHAR(200)  NOT NULL,
  start_date            DATE          NOT NULL,
  end_date              DATE          NULL,
  implementers          VARCHAR(500)  NOT NULL,  -- employee ids, comma-separated
  work_done             TEXT          NOT NULL,
  summary               TEXT          NOT NULL,
  open_issues           TEXT          NOT NULL,
  owner_id              BIGINT        NOT NULL,
  owner_department_id   BIGINT        NOT NULL,
  owner_department_path VARCHAR(255)  NOT NULL,
  version               BIGINT        NOT NULL DEFAULT 1,
  create_request_id     VARCHAR(200)  NULL,
  created_at            DATETIME(6)   NOT NULL,
  updated_at            DATETIME(6)   NOT NULL,
  UNIQUE KEY implementation_records_create_request (create_request_id),
  KEY implementation_records_customer (customer_id, start_date, id),
  KEY implementation_records_owner (owner_id, start_date, id),
  KEY implementation_records_department (owner_department_path, start_date, id),
  KEY implementation_records_owner_department (owner_department_id)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_ci;
