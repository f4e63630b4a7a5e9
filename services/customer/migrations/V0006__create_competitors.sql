-- Competitors (R6).
CREATE TABLE competitors (
  id                BIGINT        NOT NULL AUTO_INCREMENT PRIMARY KEY,
  name              VARCHAR(200)  NOT NULL,
  website           VARCHAR(254)  NOT NULL DEFAULT '',
  products          VARCHAR(2000) NOT NULL DEFAULT '',
  strengths         VARCHAR(2000) NOT NULL DEFAULT '',
  weaknesses        VARCHAR(2000) NOT NULL DEFAULT '',
  remarks           VARCHAR(2000) NOT NULL DEFAULT '',
  market_share_bp   INT           NOT NULL DEFAULT 0,
  version           BIGINT        NOT NULL DEFAULT 1,
  create_request_id VARCHAR(200)  NULL,
  created_at        DATETIME(6)   NOT NULL,
  updated_at        DATETIME(6)   NOT NULL,
  UNIQUE KEY competitors_name (name),
  UNIQUE KEY competitors_create_request (create_request_id)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_ci;
