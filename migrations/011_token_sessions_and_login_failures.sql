-- Secrets out of URLs, and sign-in throttling shared by every process.

-- A wall display starts from /wall?token=gst_… and then trades the token for a
-- session cookie (POST /api/auth/token-session), so the token leaves the
-- address bar, the browser history and every later request's URL. Such a
-- session belongs to the token, not to a user: it has the token's role and
-- scope, and it ends when the token is revoked (the row goes with it) or
-- expires (checked on every request).
ALTER TABLE user_session ALTER COLUMN user_id DROP NOT NULL;
ALTER TABLE user_session ADD COLUMN token_id integer REFERENCES api_token (id) ON DELETE CASCADE;
ALTER TABLE user_session ADD CONSTRAINT user_session_one_owner CHECK ((user_id IS NULL) <> (token_id IS NULL));
CREATE INDEX user_session_token_idx ON user_session (token_id);

-- Failed sign-ins, one row per failure per key ('account:<username>' and
-- 'address:<ip>'), so that several server processes on one database count
-- together (server/auth/login-throttle.ts). Rows older than the throttle's
-- window are deleted as new failures arrive; a correct password deletes the
-- account's rows.
CREATE TABLE login_failure (
  key       text NOT NULL CHECK (length(key) <= 300),
  failed_at timestamptz NOT NULL DEFAULT clock_timestamp()
);
CREATE INDEX login_failure_key_idx ON login_failure (key, failed_at);
CREATE INDEX login_failure_at_idx ON login_failure (failed_at);
