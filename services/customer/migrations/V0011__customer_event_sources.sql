-- Events another service's feed recorded (a complaint from the feedback
-- service: "feedback/service_request/12"), one per source, so a change read
-- again updates the same event.
ALTER TABLE customer_events
  ADD COLUMN source VARCHAR(100) NULL,
  ADD UNIQUE KEY customer_events_source (source);
