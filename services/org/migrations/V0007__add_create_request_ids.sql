-- Work logs, weekly plans and system parameters are created through the one
-- idempotent create path (common/feed/versioned_rows.h: CreateOnce) like every
-- other record: the creating call's request key is kept, and unique, so a
-- retried create returns the first call's record. NULL for rows made without
-- a request id (and all earlier rows).
ALTER TABLE work_logs
  ADD COLUMN create_request_id VARCHAR(200) NULL,
  ADD UNIQUE KEY work_logs_create_request (create_request_id);
ALTER TABLE weekly_plans
  ADD COLUMN create_request_id VARCHAR(200) NULL,
  ADD UNIQUE KEY weekly_plans_create_request (create_request_id);
ALTER TABLE system_parameters
  ADD COLUMN create_request_id VARCHAR(200) NULL,
  ADD UNIQUE KEY system_parameters_create_request (create_request_id);
