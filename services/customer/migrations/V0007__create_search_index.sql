-- The substring index of customer search (services/customer/search_*). Built
-- from the change log by the search indexer, so writes never wait for it.
--   search_docs: per customer, the normalised searchable text: each field
--     between newlines, so "\nquery\n" is an exact field match and "\nquery"
--     a prefix match.
--   search_postings: gram -> customers whose text holds it (binary grams:
--     two characters of Chinese, four of letters and digits, plus markers for
--     field starts and whole fields; see search_text.h).
--   search_gram_counts: how many customers hold each gram, to pick the rarest.
CREATE TABLE search_docs (
  customer_id BIGINT      NOT NULL PRIMARY KEY,
  doc         MEDIUMTEXT  CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL
) ENGINE = InnoDB;

CREATE TABLE search_postings (
  gram        VARBINARY(24) NOT NULL,
  customer_id BIGINT        NOT NULL,
  PRIMARY KEY (gram, customer_id)
) ENGINE = InnoDB;

CREATE TABLE search_gram_counts (
  gram      VARBINARY(24) NOT NULL PRIMARY KEY,
  customers INT           NOT NULL
) ENGINE = InnoDB;
