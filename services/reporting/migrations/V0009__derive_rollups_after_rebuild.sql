-- How the roll-ups (sales_days, product_days) are kept (rollup_restorer.h):
--   0  change by change, in the feed transaction (sales_rollup.cc);
--   1  not at all: a rebuild is replaying the feeds from 0. Keeping them per
--      change took about 12 statements an order and hot-row waits between
--      the customer and sales feeds (measured at 1,000,000 orders: 180-430
--      orders a second, over an hour to replay);
--   2  being derived in bulk: the org, customer and sales cursors are each
--      stored as -2 - sequence (paused) until the roll-ups are written.
CREATE TABLE rollup_state (
  id    TINYINT NOT NULL PRIMARY KEY,
  phase TINYINT NOT NULL
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_ci;
INSERT INTO rollup_state (id, phase) VALUES (1, 0);

-- The period reports read the roll-ups now; these indexes only cost every
-- order and line written (orders_customer_cover holds what the first two
-- held, and nothing reads lines by date any more).
ALTER TABLE orders DROP KEY orders_sales_cover, DROP KEY orders_counted_date;
ALTER TABLE order_lines DROP KEY order_lines_product_cover, DROP KEY order_lines_counted_date;
