-- The region each customer's orders are rolled up under (sales_days), and
-- the row both feeds lock before touching a customer's roll-up. Either feed
-- creates it (the sales feed with an empty region when it meets an order of
-- a customer the customer feed has not shown yet); the customer feed sets
-- the region and moves the customer's sales when it changes. A row that
-- always exists before it is read is locked alone: locking a missing
-- customers row would lock the gap around it and hold up every customer
-- inserted near it (measured in a rebuild: customers applied at 190 a
-- second instead of thousands).
CREATE TABLE customer_regions (
  customer_id BIGINT      NOT NULL PRIMARY KEY,
  region_code VARCHAR(64) NOT NULL
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_ci;

-- What the roll-ups hold now: every order under its customer's region.
INSERT INTO customer_regions (customer_id, region_code)
SELECT id, region_code FROM customers;
INSERT IGNORE INTO customer_regions (customer_id, region_code)
SELECT DISTINCT customer_id, '' FROM orders;
