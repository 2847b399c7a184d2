-- One failed sign-in for each key, and the end of every failure that has
-- left the window (whichever key it was for), so the table stays the size of
-- one window's failures. $1 text[]: the keys; $2: the window in milliseconds.
WITH expired AS (
  DELETE FROM login_failure WHERE failed_at < clock_timestamp() - $2::float8 * interval '1 millisecond'
)
INSERT INTO login_failure (key) SELECT unnest($1::text[])
