-- Service requests (R17) and their SLA clocks. type: 1 consultation,
-- 2 suggestion, 3 complaint, 4 repair; priority: 1 low .. 4 urgent; status:
-- 1 created, 2 assigned, 3 in progress, 4 waiting for customer, 5 resolved,
-- 6 feedback received, 7 archived.
--
-- The SLA facts (sla_started_at, targets, responded_at, paused_since,
-- paused_seconds, the escalation levels fired) are the truth; the deadline
-- columns after them are derived from the facts and the working calendar
-- (sla_schedule.h) on every write, so the SLA lists and the escalation
-- worker are index range scans.
CREATE TABLE service_requests (
  id                    BIGINT AUTO_INCREMENT PRIMARY KEY,
  type                  TINYINT       NOT NULL,
  priority              TINYINT       NOT NULL,
  customer_id           BIGINT        NOT NULL,
  contact_id            BIGINT        NOT NULL DEFAULT 0,
  subject               VARCHAR(200)  NOT NULL,
  description           TEXT          NOT NULL,
  status                TINYINT       NOT NULL,
  handler_id            BIGINT        NOT NULL DEFAULT 0,
  satisfaction          TINYINT       NOT NULL DEFAULT 0,
  feedback_comment      VARCHAR(500)  NOT NULL DEFAULT '',
  reopen_count          INT           NOT NULL DEFAULT 0,
  resolution            VARCHAR(500)  NOT NULL DEFAULT '',
  owner_id              BIGINT        NOT NULL,
  owner_department_id   BIGINT        NOT NULL,
  owner_department_path VARCHAR(255)  NOT NULL,
  sla_started_at        DATETIME(6)   NOT NULL,
  response_target_s     INT           NOT NULL,
  resolution_target_s   INT           NOT NULL,
  responded_at          DATETIME(6)   NULL,
  paused_since          DATETIME(6)   NULL,
  paused_seconds        BIGINT        NOT NULL DEFAULT 0,
  response_level        TINYINT       NOT NULL DEFAULT 0,
  resolution_level      TINYINT       NOT NULL DEFAULT 0,
  response_warn         DATETIME(6)   NULL,  -- 80% of each running target
  response_due          DATETIME(6)   NULL,
  resolution_warn       DATETIME(6)   NULL,
  resolution_due        DATETIME(6)   NULL,
  at_risk_from          DATETIME(6)   NULL,
  breach_at             DATETIME(6)   NULL,
  next_escalation_at    DATETIME(6)   NULL,
  schedule_revision     BIGINT        NOT NULL DEFAULT 0,  -- calendar_revision used
  version               BIGINT        NOT NULL DEFAULT 1,
  create_request_id     VARCHAR(200)  NULL,
  created_at            DATETIME(6)   NOT NULL,
  updated_at            DATETIME(6)   NOT NULL,
  UNIQUE KEY service_requests_create_request (create_request_id),
  KEY service_requests_customer (customer_id, id),
  KEY service_requests_owner (owner_id, id),
  KEY service_requests_department (owner_department_path, id),
  KEY service_requests_owner_department (owner_department_id),
  KEY service_requests_handler (handler_id, id),
  KEY service_requests_status (status, id),
  KEY service_requests_breach (breach_at, id),
  KEY service_requests_at_risk (at_risk_from, breach_at),
  KEY service_requests_escalation (next_escalation_at),
  KEY service_requests_schedule_revision (schedule_revision)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_ci;

-- Each lifecycle step and escalation of a request (kind 1 step,
-- 2 escalation), never changed.
CREATE TABLE service_request_events (
  id                 BIGINT AUTO_INCREMENT PRIMARY KEY,
  service_request_id BIGINT       NOT NULL,
  kind               TINYINT      NOT NULL,
  from_status        TINYINT      NOT NULL,
  to_status          TINYINT      NOT NULL,
  actor              VARCHAR(128) NOT NULL,
  actor_employee_id  BIGINT       NOT NULL DEFAULT 0,
  note               VARCHAR(500) NOT NULL DEFAULT '',
  escalation_id      BIGINT       NOT NULL DEFAULT 0,
  created_at         DATETIME(6)  NOT NULL,
  KEY service_request_events_request (service_request_id, id)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_ci;

-- Escalations (clock: 1 first response, 2 resolution; level 1..3). The
-- unique key is what makes each fire once, across restarts and replicas.
CREATE TABLE escalations (
  id                   BIGINT AUTO_INCREMENT PRIMARY KEY,
  service_request_id   BIGINT      NOT NULL,
  clock                TINYINT     NOT NULL,
  level                TINYINT     NOT NULL,
  target_employee_id   BIGINT      NOT NULL DEFAULT 0,
  target_department_id BIGINT      NOT NULL DEFAULT 0,
  due_at               DATETIME(6) NOT NULL,
  created_at           DATETIME(6) NOT NULL,
  UNIQUE KEY escalations_once (service_request_id, clock, level),
  KEY escalations_employee (target_employee_id, id),
  KEY escalations_department (target_department_id, id)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_ci;

-- Where each employee works, from the org feed (feed/owner_departments.h).
CREATE TABLE owner_departments (
  employee_id     BIGINT       NOT NULL PRIMARY KEY,
  department_id   BIGINT       NOT NULL,
  department_path VARCHAR(255) NOT NULL,
  KEY owner_departments_department (department_id)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_ci;
