-- Per-grid figures for colouring the wall map: every grid of the region,
-- with its population, so the client can colour the map without holding the
-- polygons. reported and closed count incidents reported in the window
-- (window figures: whole China days from the grids' rows of the daily
-- rollup, migrations/020, the edges' partial days from the incident rows, as
-- in explore-counts.sql); open, overdue and max_open_urgency count every
-- incident open now, whatever its report date ("now" figures: an incident
-- overdue for a year still shows). Overdue follows the workflow's definition
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
), current AS (
  SELECT i.grid_code, count(*)::int AS open,
         count(*) FILTER (WHERE i.status IN ('dispatched', 'in_progress') AND i.due_at < now())::int AS overdue,
         max(CASE i.urgency WHEN 'red' THEN 3 WHEN 'yellow' THEN 2 ELSE 1 END)::int AS max_open_urgency
    FROM incident i
   WHERE incident_is_open(i.status)
     AND ($1::text IS NULL OR i.district_code = $1 OR i.street_code = $1 OR i.community_code = $1 OR i.grid_code = $1)
     AND ($8::text IS NULL OR EXISTS (SELECT 1 FROM incident_assignment a WHERE a.incident_id = i.id AND a.unit_code = $8))
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
