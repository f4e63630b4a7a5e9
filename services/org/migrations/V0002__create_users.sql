-- Users (R29): passwords as argon2id hashes (libsodium crypto_pwhash_str);
-- roles as a comma-separated list of role names.
CREATE TABLE users (
  id                BIGINT       NOT NULL AUTO_INCREMENT PRIMARY KEY,
  username          VARCHAR(64)  NOT NULL,
  employee_id       BIGINT       NULL,
  password_hash     VARCHAR(255) NOT NULL,
  roles             VARCHAR(255) NOT NULL,
  disabled          TINYINT      NOT NULL DEFAULT 0,
  version           BIGINT       NOT NULL DEFAULT 1,
  create_request_id VARCHAR(200) NULL,
  created_at        DATETIME(6)  NOT NULL,
  updated_at        DATETIME(6)  NOT NULL,
  password_changed_at DATETIME(6) NOT NULL,
  UNIQUE KEY users_username (username),
  UNIQUE KEY users_employee (employee_id),
  UNIQUE KEY users_create_request (create_request_id),
  CONSTRAINT users_employee_fk FOREIGN KEY (employee_id) REFERENCES employees (id)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_ci;

-- Failed log-ins per user name, existing or not, so throttling and locking
-- say nothing about which names exist.
CREATE TABLE login_throttle (
  username       VARCHAR(64) NOT NULL PRIMARY KEY,
  failures       INT         NOT NULL,
  last_failed_at DATETIME(6) NOT NULL,
  locked_until   DATETIME(6) NULL
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_ci;

-- Refresh tokens by SHA-256; single use: each refresh revokes the old one.
CREATE TABLE refresh_tokens (
  id           BIGINT      NOT NULL AUTO_INCREMENT PRIMARY KEY,
  user_id      BIGINT      NOT NULL,
  token_sha256 CHAR(64)    NOT NULL,
  created_at   DATETIME(6) NOT NULL,
  expires_at   DATETIME(6) NOT NULL,
  revoked_at   DATETIME(6) NULL,
  UNIQUE KEY refresh_tokens_hash (token_sha256),
  KEY refresh_tokens_user (user_id),
  CONSTRAINT refresh_tokens_user_fk FOREIGN KEY (user_id) REFERENCES users (id)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_ci;

-- Service accounts for internal systems: the API key is shown once; only its
-- SHA-256 is kept (the key is 32 random bytes, so a fast hash is enough).
CREATE TABLE service_accounts (
  id                BIGINT       NOT NULL AUTO_INCREMENT PRIMARY KEY,
  name              VARCHAR(100) NOT NULL,
  roles             VARCHAR(255) NOT NULL,
  key_sha256        CHAR(64)     NOT NULL,
  key_prefix        VARCHAR(16)  NOT NULL,
  create_request_id VARCHAR(200) NULL,
  created_at        DATETIME(6)  NOT NULL,
  revoked_at        DATETIME(6)  NULL,
  UNIQUE KEY service_accounts_key (key_sha256),
  UNIQUE KEY service_accounts_create_request (create_request_id)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_ci;
