-- Access-token revocation: a user's access tokens carry the token_version
-- they were issued under; log-out, disabling, a role or password change move
-- it on and stamp tokens_revoked_at. The gateway fetches the users revoked
-- within the last access-token lifetime (older tokens have expired anyway)
-- and refuses their tokens with a smaller version.
ALTER TABLE users
  ADD COLUMN token_version     BIGINT      NOT NULL DEFAULT 0,
  ADD COLUMN tokens_revoked_at DATETIME(6) NULL,
  ADD KEY users_tokens_revoked (tokens_revoked_at);
