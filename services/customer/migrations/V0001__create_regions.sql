-- The five big regions (R3). Codes are stable identifiers used by the API;
-- names are what people read and may be renamed.
CREATE TABLE regions (
  code       VARCHAR(32) NOT NULL PRIMARY KEY,
  name       VARCHAR(64) NOT NULL,
  sort_order INT         NOT NULL
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_ci;

INSERT INTO regions (code, name, sort_order) VALUES
  ('east', '华东', 1),
  ('north', '华北', 2),
  ('northeast', '东北', 3),
  ('northwest', '西北', 4),
  ('south', '华南', 5);
