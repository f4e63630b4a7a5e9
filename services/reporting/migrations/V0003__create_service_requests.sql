-- The feedback feed's service requests (R40, R37's service composition):
-- type, status, handler, the customer's satisfaction and each SLA clock's
-- outcome as the feedback service last reported it. created_date and
-- feedback_date are days in the company's zone (feedback_date: the day the
-- satisfaction was recorded).
CREATE TABLE service_requests (
  id                    BIGINT       NOT NULL PRIMARY KEY,
  customer_id           BIGINT       NOT NULL,
  type                  INT          NOT NULL,
  priority              INT          NOT NULL,
  subject               VARCHAR(200) NOT NULL,
  status                INT          NOT NULL,
  handler_id            BIGINT       NOT NULL,
  satisfaction          INT          NOT NULL,
  feedback_date         DATE         NULL,
  response_breached     TINYINT      NOT NULL,
  resolution_breached   TINYINT      NOT NULL,
  resolution_running    TINYINT      NOT NULL,
  resolution_at_risk_at DATETIME(6)  NULL,
  resolution_due_at     DATETIME(6)  NULL,
  created_date          DATE         NOT NULL,
  owner_id              BIGINT       NOT NULL,
  owner_department_id   BIGINT       NOT NULL,
  owner_department_path VARCHAR(255) NOT NULL,
  KEY service_requests_created (created_date),
  KEY service_requests_feedback (feedback_date),
  KEY service_requests_owner (owner_id),
  KEY service_requests_path (owner_department_path),
  KEY service_requests_at_risk (owner_id, resolution_running, resolution_at_risk_at)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_ci;
