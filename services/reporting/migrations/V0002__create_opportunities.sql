-- The sales feed's opportunities and the stages each passed through, for the
-- funnel (R38). A stage row is opened when the opportunity enters the stage
-- (created in it, or moved to it) and closed when it leaves it (moved on,
-- won or lost); entered_sequence is the change that opened it.
CREATE TABLE opportunities (
  id                      BIGINT       NOT NULL PRIMARY KEY,
  customer_id             BIGINT       NOT NULL,
  stage_code              VARCHAR(32)  NOT NULL,
  status                  INT          NOT NULL,
  amount_fen              BIGINT       NOT NULL,
  win_probability_percent INT          NOT NULL,
  created_date            DATE         NOT NULL,
  owner_id                BIGINT       NOT NULL,
  owner_department_id     BIGINT       NOT NULL,
  owner_department_path   VARCHAR(255) NOT NULL,
  KEY opportunities_created (created_date),
  KEY opportunities_owner (owner_id),
  KEY opportunities_path (owner_department_path)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_ci;

CREATE TABLE opportunity_stages (
  opportunity_id   BIGINT      NOT NULL,
  entered_sequence BIGINT      NOT NULL,
  stage_code       VARCHAR(32) NOT NULL,
  entered_at       DATETIME(6) NOT NULL,
  left_at          DATETIME(6) NULL,
  PRIMARY KEY (opportunity_id, entered_sequence)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_ci;

-- The pipeline's order. The sales service seeds its default stages in a
-- migration (no change rows), so they are seeded here the same; later edits
-- (SetPipelineStage) arrive through the feed. A rebuild keeps this table:
-- replaying the feed sets every edited stage again.
CREATE TABLE pipeline_stages (
  code                    VARCHAR(32)  NOT NULL PRIMARY KEY,
  name                    VARCHAR(100) NOT NULL,
  position                INT          NOT NULL,
  win_probability_percent INT          NOT NULL
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_ci;

INSERT INTO pipeline_stages (code, name, position, win_probability_percent) VALUES
  ('lead', '初步接洽', 10, 10),
  ('qualified', '需求确认', 20, 25),
  ('proposal', '方案报价', 30, 50),
  ('negotiation', '商务谈判', 40, 75),
  ('contract', '合同签订', 50, 90);
