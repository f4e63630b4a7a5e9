-- The working calendar (work_calendar.h): each working day's periods, in
-- minutes of the day, and the days that differ from Monday–Friday (kind:
-- 1 holiday, 2 make-up working day). Seeded with 09:00–12:00 and
-- 13:00–18:00; holidays are the company's to enter each year.
CREATE TABLE work_periods (
  position     TINYINT  NOT NULL PRIMARY KEY,
  start_minute SMALLINT NOT NULL,
  end_minute   SMALLINT NOT NULL
) ENGINE = InnoDB;

INSERT INTO work_periods (position, start_minute, end_minute) VALUES (1, 540, 720), (2, 780, 1080);

CREATE TABLE calendar_days (
  day  DATE         NOT NULL PRIMARY KEY,
  kind TINYINT      NOT NULL,
  name VARCHAR(100) NOT NULL DEFAULT ''
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_ci;

-- SLA targets per type and priority, in working minutes. Defaults, the same
-- for every type: urgent 30 min / 4 h, high 1 h / 1 day, normal 4 h /
-- 3 days, low 1 day / 5 days (a working day is 8 hours).
CREATE TABLE sla_policies (
  type                   TINYINT NOT NULL,
  priority               TINYINT NOT NULL,
  first_response_minutes INT     NOT NULL,
  resolution_minutes     INT     NOT NULL,
  PRIMARY KEY (type, priority)
) ENGINE = InnoDB;

INSERT INTO sla_policies (type, priority, first_response_minutes, resolution_minutes)
SELECT t.type, p.priority, p.first_response_minutes, p.resolution_minutes
FROM (SELECT 1 AS type UNION ALL SELECT 2 UNION ALL SELECT 3 UNION ALL SELECT 4) t
CROSS JOIN (SELECT 1 AS priority, 480 AS first_response_minutes, 2400 AS resolution_minutes
            UNION ALL SELECT 2, 240, 1440
            UNION ALL SELECT 3, 60, 480
            UNION ALL SELECT 4, 30, 240) p;

-- Moved on by every calendar edit; requests scheduled under an older one are
-- rescheduled by the SLA worker.
CREATE TABLE calendar_revision (
  id       TINYINT NOT NULL PRIMARY KEY,
  revision BIGINT  NOT NULL
) ENGINE = InnoDB;

INSERT INTO calendar_revision (id, revision) VALUES (1, 0);
