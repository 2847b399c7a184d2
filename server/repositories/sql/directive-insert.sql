-- A directive and one waiting target per addressed district, in one statement.
-- $1 title, $2 body, $3 deadline, $4 created_at, $5 created_by (actor),
-- $6 district codes (text[]; checked to be districts by the caller).
WITH d AS (
  INSERT INTO directive (title, body, deadline, created_at, created_by)
  VALUES ($1, $2, $3, $4, $5)
  RETURNING id
), targets AS (
  INSERT INTO directive_target (directive_id, district_code)
  SELECT d.id, code FROM d, unnest($6::text[]) AS code
)
SELECT id FROM d
