-- Opportunities (R12): the pipeline's stages, the opportunities, and the
-- history of every tracked change (from, to, who, when).
CREATE TABLE pipeline_stages (
  code                    VARCHAR(32)  NOT NULL PRIMARY KEY,
  name                    VARCHAR(100) NOT NULL,
  position                INT          NOT NULL,
  win_probability_percent TINYINT      NOT NULL,
  retired                 BOOLEAN      NOT NULL DEFAULT FALSE
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_ci;

-- A pipeline to start from; SetPipelineStage changes it.
INSERT INTO pipeline_stages (code, name, position, win_probability_percent) VALUES
  ('lead', '初步接洽', 10, 10),
  ('qualified', '需求确认', 20, 25),
  ('proposal', '方案报价', 30, 50),
  ('negotiation', '商务谈判', 40, 75),
  ('contract', '合同签订', 50, 90);

-- status: 1 open, 2 won, 3 lost.
CREATE TABLE opportunities (
  id                      BIGINT AUTO_INCREMENT PRIMARY KEY,
  customer_id             BIGINT       NOT NULL,
  title                   VARCHAR(200) NOT NULL,
  stage_code              VARCHAR(32)  NOT NULL,
  amount_fen              BIGINT       NOT NULL,
  win_probability_percent TINYINT      NOT NULL,
  expected_close_date     DATE         NOT NULL,
  source                  VARCHAR(100) NOT NULL DEFAULT '',
  campaign_id             BIGINT       NOT NULL DEFAULT 0,
  status                  TINYINT      NOT NULL,
  close_reason            VARCHAR(500) NOT NULL DEFAULT '',
  closed_date             DATE         NULL,
  last_activity_at        DATETIME(6)  NOT NULL,
  owner_id                BIGINT       NOT NULL,
  owner_department_id     BIGINT       NOT NULL,
  owner_department_path   VARCHAR(255) NOT NULL,
  version                 BIGINT       NOT NULL DEFAULT 1,
  create_request_id       VARCHAR(200) NULL,
  created_at              DATETIME(6)  NOT NULL,
  updated_at              DATETIME(6)  NOT NULL,
  UNIQUE KEY opportunities_create_request (create_request_id),
  KEY opportunities_customer (customer_id, id),
  KEY opportunities_owner (owner_id, id),
  KEY opportunities_department (owner_department_path, id),
  KEY opportunities_owner_department (owner_department_id),
  KEY opportunities_stale (status, last_activity_at, id),
  KEY opportunities_close (status, expected_close_date)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_ci;

-- Never updated: one row per change of a tracked field (stage_code, amount,
-- win_probability_percent, expected_close_date, status), creation included.
CREATE TABLE opportunity_history (
  id             BIGINT AUTO_INCREMENT PRIMARY KEY,
  opportunity_id BIGINT       NOT NULL,
  field          VARCHAR(32)  NOT NULL,
  from_value     VARCHAR(100) NOT NULL,
  to_value       VARCHAR(100) NOT NULL,
  actor          VARCHAR(128) NOT NULL,
  changed_at     DATETIME(6)  NOT NULL,
  KEY opportunity_history_opportunity (opportunity_id, id)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_ci;
