-- Work logs (R27): one per employee per day. Weekly plans (R28) with their
-- tasks. Both keep the department path the employee had when writing, for
-- visibility.
CREATE TABLE work_logs (
  id              BIGINT       NOT NULL AUTO_INCREMENT PRIMARY KEY,
  employee_id     BIGINT       NOT NULL,
  employee_name   VARCHAR(100) NOT NULL,
  department_id   BIGINT       NOT NULL,
  department_path VARCHAR(255) NOT NULL,
  log_date        DATE         NOT NULL,
  content         TEXT         NOT NULL,
  version         BIGINT       NOT NULL DEFAULT 1,
  created_at      DATETIME(6)  NOT NULL,
  updated_at      DATETIME(6)  NOT NULL,
  UNIQUE KEY work_logs_day (employee_id, log_date),
  KEY work_logs_path (department_path, log_date),
  KEY work_logs_date (log_date)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_ci;

CREATE TABLE weekly_plans (
  id               BIGINT        NOT NULL AUTO_INCREMENT PRIMARY KEY,
  employee_id      BIGINT        NOT NULL,
  employee_name    VARCHAR(100)  NOT NULL,
  department_id    BIGINT        NOT NULL,
  department_path  VARCHAR(255)  NOT NULL,
  week_start       DATE          NOT NULL,
  status           TINYINT       NOT NULL,  -- crm.org.v1.WeeklyPlanStatus
  review_comment   VARCHAR(2000) NOT NULL DEFAULT '',
  reviewer_user_id BIGINT        NOT NULL DEFAULT 0,
  submitted_at     DATETIME(6)   NULL,
  reviewed_at      DATETIME(6)   NULL,
  version          BIGINT        NOT NULL DEFAULT 1,
  created_at       DATETIME(6)   NOT NULL,
  updated_at       DATETIME(6)   NOT NULL,
  UNIQUE KEY weekly_plans_week (employee_id, week_start),
  KEY weekly_plans_path (department_path, week_start)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_ci;

CREATE TABLE weekly_plan_tasks (
  plan_id  BIGINT        NOT NULL,
  position INT           NOT NULL,
  title    VARCHAR(200)  NOT NULL,
  detail   VARCHAR(2000) NOT NULL DEFAULT '',
  status   TINYINT       NOT NULL,  -- crm.org.v1.TaskStatus
  PRIMARY KEY (plan_id, position),
  CONSTRAINT weekly_plan_tasks_plan_fk FOREIGN KEY (plan_id) REFERENCES weekly_plans (id)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_ci;
