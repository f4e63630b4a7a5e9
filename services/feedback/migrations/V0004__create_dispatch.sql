-- Dispatch (R21): technicians (employees with skills and a region) and
-- their appointments (status 1 booked, 2 cancelled), with each booking,
-- reschedule and cancellation kept (kind 1, 2, 3).
CREATE TABLE technicians (
  employee_id BIGINT      NOT NULL PRIMARY KEY,
  region_code VARCHAR(32) NOT NULL,
  active      BOOLEAN     NOT NULL,
  KEY technicians_region (region_code, active)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_ci;

CREATE TABLE technician_skills (
  employee_id BIGINT      NOT NULL,
  skill       VARCHAR(32) NOT NULL,
  PRIMARY KEY (employee_id, skill),
  KEY technician_skills_skill (skill)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_ci;

CREATE TABLE appointments (
  id                    BIGINT AUTO_INCREMENT PRIMARY KEY,
  technician_id         BIGINT        NOT NULL,
  start_at              DATETIME(6)   NOT NULL,
  end_at                DATETIME(6)   NOT NULL,
  place                 VARCHAR(300)  NOT NULL,
  skills                VARCHAR(400)  NOT NULL DEFAULT '',  -- comma-separated
  customer_id           BIGINT        NOT NULL,
  service_request_id    BIGINT        NOT NULL DEFAULT 0,
  note                  VARCHAR(1000) NOT NULL DEFAULT '',
  status                TINYINT       NOT NULL,
  owner_id              BIGINT        NOT NULL,
  owner_department_id   BIGINT        NOT NULL,
  owner_department_path VARCHAR(255)  NOT NULL,
  version               BIGINT        NOT NULL DEFAULT 1,
  create_request_id     VARCHAR(200)  NULL,
  created_at            DATETIME(6)   NOT NULL,
  updated_at            DATETIME(6)   NOT NULL,
  UNIQUE KEY appointments_create_request (create_request_id),
  KEY appointments_technician (technician_id, status, start_at),
  KEY appointments_owner (owner_id, start_at),
  KEY appointments_department (owner_department_path, start_at),
  KEY appointments_owner_department (owner_department_id)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_ci;

CREATE TABLE appointment_changes (
  id             BIGINT AUTO_INCREMENT PRIMARY KEY,
  appointment_id BIGINT       NOT NULL,
  kind           TINYINT      NOT NULL,
  from_start_at  DATETIME(6)  NULL,
  from_end_at    DATETIME(6)  NULL,
  to_start_at    DATETIME(6)  NULL,
  to_end_at      DATETIME(6)  NULL,
  reason         VARCHAR(500) NOT NULL DEFAULT '',
  actor          VARCHAR(128) NOT NULL,
  created_at     DATETIME(6)  NOT NULL,
  KEY appointment_changes_appointment (appointment_id, id)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_ci;
