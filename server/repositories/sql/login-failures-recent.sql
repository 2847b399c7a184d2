-- The recent failed sign-ins of some keys ('account:<username>', 'address:<ip>'),
-- oldest first, as milliseconds since the epoch on the database's clock, with
-- that clock's "now": every server process judges by the same clock.
-- $1 text[]: the keys; $2: the window in milliseconds.
WITH clock AS (SELECT clock_timestamp() AS now)
SELECT f.key,
       (extract(epoch FROM f.failed_at) * 1000)::float8 AS at_ms,
       (extract(epoch FROM clock.now) * 1000)::float8   AS now_ms
  FROM clock
  LEFT JOIN login_failure f
    ON f.key = ANY ($1::text[])
   AND f.failed_at > clock.now - $2::float8 * interval '1 millisecond'
 ORDER BY f.key, f.failed_at
