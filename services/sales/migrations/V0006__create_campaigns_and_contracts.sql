-- Marketing campaigns (R15). type: crm.sales.v1.CampaignType; status:
-- crm.sales.v1.CampaignStatus. Opportunities and orders name a campaign by
-- id (campaign_id); campaigns are never deleted, so a name stays valid.
CREATE TABLE campaigns (
  id                    BIGINT AUTO_INCREMENT PRIMARY KEY,
  name                  VARCHAR(200) NOT NULL,
  type                  TINYINT      NOT NULL,
  status                TINYINT      NOT NULL,
  start_date            DATE         NOT NULL,
  end_date              DATE         NOT NULL,
  budget_fen            BIGINT       NOT NULL DEFAULT 0,
  cost_fen              BIGINT       NOT NULL DEFAULT 0,
  description           TEXT         NOT NULL,
  owner_id              BIGINT       NOT NULL,
  owner_department_id   BIGINT       NOT NULL,
  owner_department_path VARCHAR(255) NOT NULL,
  version               BIGINT       NOT NULL DEFAULT 1,
  create_request_id     VARCHAR(200) NULL,
  created_at            DATETIME(6)  NOT NULL,
  updated_at            DATETIME(6)  NOT NULL,
  UNIQUE KEY campaigns_create_request (create_request_id),
  KEY campaigns_owner (owner_id, id),
  KEY campaigns_department (owner_department_path, id),
  KEY campaigns_owner_department (owner_department_id),
  CONSTRAINT campaigns_money_not_negative CHECK (budget_fen >= 0 AND cost_fen >= 0),
  CONSTRAINT campaigns_dates_in_order CHECK (start_date <= end_date)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_ci;

CREATE TABLE campaign_targets (
  campaign_id BIGINT NOT NULL,
  customer_id BIGINT NOT NULL,
  PRIMARY KEY (campaign_id, customer_id),
  KEY campaign_targets_customer (customer_id)
) ENGINE = InnoDB;

ALTER TABLE opportunities ADD KEY opportunities_campaign (campaign_id);

-- Contracts (R16). status: crm.sales.v1.ContractStatus. order_id is NULL
-- for a contract made on its own; an order has at most one contract.
CREATE TABLE contracts (
  id                    BIGINT AUTO_INCREMENT PRIMARY KEY,
  number                VARCHAR(32)  NULL,  -- set last by the creating transaction
  customer_id           BIGINT       NOT NULL,
  order_id              BIGINT       NULL,
  title                 VARCHAR(200) NOT NULL,
  amount_fen            BIGINT       NOT NULL,
  sign_date             DATE         NULL,
  start_date            DATE         NULL,
  end_date              DATE         NULL,
  status                TINYINT      NOT NULL,
  remarks               TEXT         NOT NULL,
  end_reason            VARCHAR(500) NOT NULL DEFAULT '',
  owner_id              BIGINT       NOT NULL,
  owner_department_id   BIGINT       NOT NULL,
  owner_department_path VARCHAR(255) NOT NULL,
  version               BIGINT       NOT NULL DEFAULT 1,
  create_request_id     VARCHAR(200) NULL,
  created_at            DATETIME(6)  NOT NULL,
  updated_at            DATETIME(6)  NOT NULL,
  UNIQUE KEY contracts_number (number),
  UNIQUE KEY contracts_order (order_id),
  UNIQUE KEY contracts_create_request (create_request_id),
  KEY contracts_customer (customer_id, id),
  KEY contracts_owner (owner_id, id),
  KEY contracts_department (owner_department_path, id),
  KEY contracts_owner_department (owner_department_id),
  CONSTRAINT contracts_amount_positive CHECK (amount_fen > 0)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_ci;
