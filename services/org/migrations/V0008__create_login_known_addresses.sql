-- Addresses each user has logged in from: a name locked by failures from
-- elsewhere still lets its owner in from an address they used before, so an
-- attacker who knows an administrator's name cannot keep them out.
-- (login_throttle also holds per-address rows, keyed "addr:<address>".)
CREATE TABLE login_known_addresses (
  username        VARCHAR(64) NOT NULL,
  address         VARCHAR(64) NOT NULL,
  last_success_at DATETIME(6) NOT NULL,
  PRIMARY KEY (username, address),
  KEY login_known_addresses_age (last_success_at)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_ci;
