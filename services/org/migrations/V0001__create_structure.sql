-- Departments as a tree (R23): path holds the ids from the top down,
-- "/1/4/9/", so a subtree is a prefix match. Positions (R24), employees (R25).
CREATE TABLE departments (
  id                BIGINT       NOT NULL AUTO_INCREMENT PRIMARY KEY,
  parent_id         BIGINT       NULL,
  name              VARCHAR(100) NOT NULL,
  path              VARCHAR(255) NOT NULL DEFAULT '',
  version           BIGINT       NOT NULL DEFAULT 1,
  create_request_id VARCHAR(200) NULL,
  created_at        DATETIME(6)  NOT NULL,
  updated_at        DATETIME(6)  NOT NULL,
  closed_at         DATETIME(6)  NULL,
  UNIQUE KEY departments_create_request (create_request_id),
  KEY departments_path (path),
  KEY departments_parent (parent_id),
  CONSTRAINT departments_parent_fk FOREIGN KEY (parent_id) REFERENCES departments (id)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_ci;

CREATE TABLE positions (
  id                BIGINT        NOT NULL AUTO_INCREMENT PRIMARY KEY,
  name              VARCHAR(100)  NOT NULL,
  description       VARCHAR(500)  NOT NULL DEFAULT '',
  version           BIGINT        NOT NULL DEFAULT 1,
  create_request_id VARCHAR(200)  NULL,
  created_at        DATETIME(6)   NOT NULL,
  updated_at        DATETIME(6)   NOT NULL,
  deleted_at        DATETIME(6)   NULL,
  UNIQUE KEY positions_create_request (create_request_id)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_ci;

CREATE TABLE employees (
  id                BIGINT       NOT NULL AUTO_INCREMENT PRIMARY KEY,
  name              VARCHAR(100) NOT NULL,
  department_id     BIGINT       NOT NULL,
  position_id       BIGINT       NULL,
  phone             VARCHAR(32)  NOT NULL DEFAULT '',
  email             VARCHAR(254) NOT NULL DEFAULT '',
  hire_date         DATE         NULL,
  leave_date        DATE         NULL,
  status            TINYINT      NOT NULL,  -- crm.org.v1.EmployeeStatus
  version           BIGINT       NOT NULL DEFAULT 1,
  create_request_id VARCHAR(200) NULL,
  created_at        DATETIME(6)  NOT NULL,
  updated_at        DATETIME(6)  NOT NULL,
  UNIQUE KEY employees_create_request (create_request_id),
  KEY employees_department (department_id, id),
  KEY employees_position (position_id),
  CONSTRAINT employees_department_fk FOREIGN KEY (department_id) REFERENCES departments (id),
  CONSTRAINT employees_position_fk FOREIGN KEY (position_id) REFERENCES positions (id)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_ci;
