-- Indexes that hold every column the period reports read, so a report over
-- millions of rows reads the index alone instead of fetching each row
-- (measured at 1,000,000 orders: sales by month 3.3 s → 0.7 s).
ALTER TABLE orders ADD KEY orders_sales_cover (counted, order_date, total_fen, owner_id, customer_id);
ALTER TABLE order_lines
  ADD KEY order_lines_product_cover (counted, order_date, product_id, quantity_milli, amount_fen,
                                     cost_fen, owner_id, order_id),
  ADD KEY order_lines_product (product_id);
