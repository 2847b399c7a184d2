-- A directive and one waiting target per addressed district, in one statement.
-- $1 title, $2 body, $3 deadline, $4 created_at, $5 created_by (actor),
-- $6 district codes (text[]; checked to be districts by the caller),
-- $7 daily_until (a date, or NULL for a one-off), $8 attachment (jsonb or NULL).
WITH d AS (
  INSERT INTO directive (title, body, deadline, created_at, created_by, daily_until, attachment)
  VALUES ($1, $2, $3, $4, $5, $7::date, $8::jsonb)
  RETURNING id
), targets AS (
  INSERT INTO directive_target (directive_id, district_code)
  SELECT d.id, code FROM d, unnest($6::text[]) AS code
)
SELECT id FROM d
