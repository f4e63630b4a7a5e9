-- Return visits (R18, 回访) to the customers of resolved requests. method:
-- 1 phone, 2 on site, 3 message, 4 email.
CREATE TABLE return_visits (
  id                  BIGINT AUTO_INCREMENT PRIMARY KEY,
  service_request_id  BIGINT        NOT NULL,
  visit_date          DATE          NOT NULL,
  visitor_employee_id BIGINT        NOT NULL,
  method              TINYINT       NOT NULL,
  customer_response   VARCHAR(2000) NOT NULL,
  satisfied           BOOLEAN       NOT NULL,
  create_request_id   VARCHAR(200)  NULL,
  created_at          DATETIME(6)   NOT NULL,
  UNIQUE KEY return_visits_create_request (create_request_id),
  KEY return_visits_request (service_request_id, id)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_ci;

ALTER TABLE service_requests
  ADD COLUMN return_visit_count INT NOT NULL DEFAULT 0,
  ADD COLUMN return_visit_satisfied BOOLEAN NOT NULL DEFAULT FALSE;
