-- System parameters (R30): typed settings; type holds crm.org.v1.ParameterType.
CREATE TABLE system_parameters (
  id          BIGINT        NOT NULL AUTO_INCREMENT PRIMARY KEY,
  param_key   VARCHAR(100)  NOT NULL,
  param_type  TINYINT       NOT NULL,
  value       VARCHAR(2000) NOT NULL,
  description VARCHAR(500)  NOT NULL DEFAULT '',
  version     BIGINT        NOT NULL DEFAULT 1,
  created_at  DATETIME(6)   NOT NULL,
  updated_at  DATETIME(6)   NOT NULL,
  UNIQUE KEY system_parameters_key (param_key)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_ci;
