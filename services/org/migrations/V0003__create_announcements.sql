-- Announcements (R26). The audience is everyone, or the listed departments and
-- their sub-departments. The OA system's feed is the change log.
CREATE TABLE announcements (
  id                BIGINT        NOT NULL AUTO_INCREMENT PRIMARY KEY,
  title             VARCHAR(200)  NOT NULL,
  body              TEXT          NOT NULL,
  author_user_id    BIGINT        NOT NULL,
  author_name       VARCHAR(100)  NOT NULL,
  pinned            TINYINT       NOT NULL DEFAULT 0,
  expires_at        DATETIME(6)   NULL,
  audience_everyone TINYINT       NOT NULL DEFAULT 1,
  status            TINYINT       NOT NULL,  -- crm.org.v1.AnnouncementStatus
  version           BIGINT        NOT NULL DEFAULT 1,
  create_request_id VARCHAR(200)  NULL,
  published_at      DATETIME(6)   NOT NULL,
  updated_at        DATETIME(6)   NOT NULL,
  UNIQUE KEY announcements_create_request (create_request_id),
  KEY announcements_listing (status, pinned, published_at)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_ci;

CREATE TABLE announcement_audience (
  announcement_id BIGINT NOT NULL,
  department_id   BIGINT NOT NULL,
  PRIMARY KEY (announcement_id, department_id),
  KEY announcement_audience_department (department_id),
  CONSTRAINT announcement_audience_fk FOREIGN KEY (announcement_id) REFERENCES announcements (id)
) ENGINE = InnoDB;
