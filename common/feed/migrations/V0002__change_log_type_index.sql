-- Feeds of one entity type (the OA system's announcement pull) read in
-- sequence order without scanning other types.
CREATE INDEX change_log_type_sequence ON change_log (entity_type, sequence);
