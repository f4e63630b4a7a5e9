-- Approvals (审批, approval.proto). Rules hold their steps as a serialized
-- crm.sales.v1.ApprovalSteps message: only this service reads them, always
-- whole. An approval keeps what the rules read when it was submitted
-- (amount, discount, products as `facts`), so a later edit that changes them
-- is seen; its tasks are one row per approver per step.
CREATE TABLE approval_rules (
  id               BIGINT AUTO_INCREMENT PRIMARY KEY,
  document_type    TINYINT      NOT NULL,
  name             VARCHAR(100) NOT NULL,
  amount_over_fen  BIGINT       NULL,
  discount_over_bp INT          NOT NULL DEFAULT 0,
  product_id       BIGINT       NOT NULL DEFAULT 0,
  steps            VARBINARY(2000) NOT NULL,
  active           TINYINT      NOT NULL DEFAULT 1,
  version          BIGINT       NOT NULL DEFAULT 1,
  create_request_id VARCHAR(200) NULL,
  created_at       DATETIME(6)  NOT NULL,
  updated_at       DATETIME(6)  NOT NULL,
  UNIQUE KEY approval_rules_create_request (create_request_id),
  KEY approval_rules_type (document_type, active, id)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_ci;

-- The defaults: steps are ApprovalSteps{steps: [{approver, mode: ANY_ONE}]}
-- in protobuf wire form: field 1 (a step, length 4) holding field 1 (the
-- approver kind) and field 3 (the mode, 1).
INSERT INTO approval_rules (document_type, name, amount_over_fen, discount_over_bp, steps,
                            created_at, updated_at)
VALUES (1, '订单金额超过10万元或折扣超过10%：部门负责人审批', 10000000, 1000,
        X'0A0408011801', UTC_TIMESTAMP(6), UTC_TIMESTAMP(6)),
       (1, '订单金额超过50万元：上级部门负责人审批', 50000000, 0,
        X'0A0408021801', UTC_TIMESTAMP(6), UTC_TIMESTAMP(6));

CREATE TABLE approvals (
  id                    BIGINT AUTO_INCREMENT PRIMARY KEY,
  document_type         TINYINT      NOT NULL,
  document_id           BIGINT       NOT NULL,
  document_number       VARCHAR(32)  NOT NULL,
  owner_id              BIGINT       NOT NULL,
  owner_department_path VARCHAR(255) NOT NULL,
  amount_fen            BIGINT       NOT NULL,
  discount_bp           INT          NOT NULL,
  facts                 VARCHAR(2000) NOT NULL,
  rule_ids              VARCHAR(500) NOT NULL,
  status                TINYINT      NOT NULL,
  current_step          INT          NOT NULL,
  step_count            INT          NOT NULL,
  submit_comment        VARCHAR(500) NOT NULL,
  submitted_by          BIGINT       NOT NULL,
  version               BIGINT       NOT NULL DEFAULT 1,
  created_at            DATETIME(6)  NOT NULL,
  updated_at            DATETIME(6)  NOT NULL,
  decided_at            DATETIME(6)  NULL,
  KEY approvals_document (document_type, document_id, id)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_ci;

CREATE TABLE approval_tasks (
  id            BIGINT AUTO_INCREMENT PRIMARY KEY,
  approval_id   BIGINT       NOT NULL,
  step          INT          NOT NULL,
  approver_kind TINYINT      NOT NULL,
  role          VARCHAR(32)  NOT NULL,
  mode          TINYINT      NOT NULL,
  approver_id   BIGINT       NOT NULL,
  approver_name VARCHAR(100) NOT NULL,
  state         TINYINT      NOT NULL,
  comment       VARCHAR(500) NOT NULL DEFAULT '',
  decided_at    DATETIME(6)  NULL,
  UNIQUE KEY approval_tasks_approver (approval_id, step, approver_id),
  -- The inbox: an approver's waiting tasks.
  KEY approval_tasks_inbox (approver_id, state, approval_id)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_ci;

ALTER TABLE orders
  ADD COLUMN approval_id      BIGINT       NOT NULL DEFAULT 0,
  ADD COLUMN approval_status  TINYINT      NOT NULL DEFAULT 0,
  ADD COLUMN approval_comment VARCHAR(500) NOT NULL DEFAULT '';
