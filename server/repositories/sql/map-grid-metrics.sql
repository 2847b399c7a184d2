-- Per-grid figures for colouring the wall map: every grid of the region,
-- with its population, so the client can colour the map without holding the
-- polygons. reported and closed count incidents reported in the window
-- (window figures: whole China days from the grids' rows of the daily
-- rollup, migrations/020, the edges' partial days from the incident rows, as
-- in explore-counts.sql); open, overdue and max_open_urgency count every
-- incident open now, whatever its report date ("now" figures: an incident
-- overdue for a year still shows; open and urgency from the rollup's rows of
-- open statuses, overdue from the overdue incidents alone, migrations/024). Overdue follows the workflow's definition
-- (migrations/005): still dispatched or in progress after its due time.
-- max_open_urgency: 0 none, 1 blue, 2 yellow, 3 red.
-- $1 region code or NULL; $2, $3 rollup days [first, end); $4-$5 and $6-$7
-- the edges' report times [from, to).
-- $8 a handler's unit: only incidents dispatched to it (the same scope as their incident list), or NULL.
WITH window_rows AS (
  SELECT r.place_code AS grid_code, r.status, r.reported
    FROM incident_daily r
   WHERE r.depth = 15
     AND r.day >= $2::date AND r.day < $3::date
     AND ($1::text IS NULL OR (r.place_code >= $1 AND r.place_code < $1 || ':'))
  UNION ALL
  SELECT i.grid_code, i.status, 1
    FROM incident i
   WHERE (i.reported_at >= $4::timestamptz AND i.reported_at < $5::timestamptz
       OR i.reported_at >= $6::timestamptz AND i.reported_at < $7::timestamptz)
     AND ($1::text IS NULL OR i.district_code = $1 OR i.street_code = $1 OR i.community_code = $1 OR i.grid_code = $1)
     AND ($8::text IS NULL OR EXISTS (SELECT 1 FROM incident_assignment a WHERE a.incident_id = i.id AND a.unit_code = $8))
), windowed AS (
  SELECT grid_code, sum(reported)::int AS reported, coalesce(sum(reported) FILTER (WHERE status = 'closed'), 0)::int AS closed
    FROM window_rows
   GROUP BY 1
), current_parts AS (
  -- Open and the highest open urgency: the grids' rollup rows of open statuses,
  -- any day (incident_daily_open_idx, migrations/024).
  SELECT r.place_code AS grid_code, r.reported AS open, 0 AS overdue,
         CASE r.urgency WHEN 'red' THEN 3 WHEN 'yellow' THEN 2 ELSE 1 END AS urgency_rank
    FROM incident_daily r
   WHERE $8::text IS NULL
     AND incident_is_open(r.status)
     AND r.depth = 15
     AND ($1::text IS NULL OR (r.place_code >= $1 AND r.place_code < $1 || ':'))
  UNION ALL
  -- A handler's unit scope is not in the rollup: its open incidents' rows.
  SELECT i.grid_code, 1, 0, CASE i.urgency WHEN 'red' THEN 3 WHEN 'yellow' THEN 2 ELSE 1 END
    FROM incident i
   WHERE $8::text IS NOT NULL
     AND incident_is_open(i.status)
     AND ($1::text IS NULL OR i.district_code = $1 OR i.street_code = $1 OR i.community_code = $1 OR i.grid_code = $1)
     AND EXISTS (SELECT 1 FROM incident_assignment a WHERE a.incident_id = i.id AND a.unit_code = $8)
  UNION ALL
  -- Overdue depends on the clock: the overdue incidents themselves (incident_due_now_idx).
  SELECT i.grid_code, 0, 1, 0
    FROM incident i
   WHERE i.status IN ('dispatched', 'in_progress') AND i.due_at < now()
     AND ($1::text IS NULL OR i.district_code = $1 OR i.street_code = $1 OR i.community_code = $1 OR i.grid_code = $1)
     AND ($8::text IS NULL OR EXISTS (SELECT 1 FROM incident_assignment a WHERE a.incident_id = i.id AND a.unit_code = $8))
), current AS (
  SELECT grid_code, sum(open)::int AS open, sum(overdue)::int AS overdue, max(urgency_rank) FILTER (WHERE open > 0)::int AS max_open_urgency
    FROM current_parts
   GROUP BY 1
)
SELECT g.code,
       coalesce(w.reported, 0) AS reported,
       coalesce(w.closed, 0) AS closed,
       coalesce(o.open, 0) AS open,
       coalesce(o.overdue, 0) AS overdue,
       coalesce(o.max_open_urgency, 0) AS max_open_urgency,
       g.population
  FROM grid g
  LEFT JOIN windowed w ON w.grid_code = g.code
  LEFT JOIN current o ON o.grid_code = g.code
 WHERE $1::text IS NULL OR g.district_code = $1 OR g.street_code = $1 OR g.community_code = $1 OR g.code = $1
 ORDER BY g.code;
