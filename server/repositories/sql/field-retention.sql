-- What the field app leaves behind, deleted when it is old enough: workers'
-- positions past their retention, and idempotency keys past theirs (at least
-- 7 days, longer than a phone's outbox keeps an unsent report).
-- $1 now, $2 position retention in days, $3 idempotency key retention in days.
WITH positions AS (
  DELETE FROM worker_position WHERE at < $1::timestamptz - make_interval(days => $2::int) RETURNING 1
), keys AS (
  DELETE FROM idempotency_key WHERE created_at < $1::timestamptz - make_interval(days => $3::int) RETURNING 1
)
SELECT (SELECT count(*) FROM positions)::int AS positions, (SELECT count(*) FROM keys)::int AS keys;
