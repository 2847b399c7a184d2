-- Figures per child of a place (children found from the grid code prefix:
-- 6 digits = district, 9 = street, 12 = community, 15 = grid), over
-- incidents that pass the filters: the explorer's, and with no filters the
-- summary's (/api/stats/summary, the wall's KPIs). Two kinds (README, "KPIs"):
-- * window figures (reported, closed, deadline and time-to-close sums) over
--   incidents reported in the window: the whole China days from the daily
--   rollup (migrations/020; the districts' rows for the city, the grids'
--   below it), the partial days at the window's edges from the incident rows
--   (index ranges on reported_at, or on (region code, reported_at));
-- * "now" figures (open, overdue, red open) over every incident open now,
--   whatever its report date: open and red open from the rollup's rows of open
--   statuses, overdue from the overdue incidents alone (migrations/024).
-- Overdue follows the workflow (migrations/005): dispatched or in progress
-- past due. Sums, not means, so parents add up their children.
-- $1 district/street/community/grid code or NULL (whole city);
-- $2, $3 rollup days [first, end); $4-$5 and $6-$7 the edges' report times
-- [from, to) (server/repositories/daily-rollup.ts splits the window);
-- $8 categories[], $9 urgencies[], $10 statuses[] (NULL = any), $11 child code length.
-- $12 a handler's unit: only incidents dispatched to it (the same scope as their incident list), or NULL;
-- the caller then gives no rollup days and the whole window as one edge.
WITH window_rows AS (
  SELECT left(r.place_code, $11::int) AS child_code, r.status, r.reported,
         r.closed_with_deadline, r.closed_within_deadline, r.close_seconds
    FROM incident_daily r
   WHERE r.depth = CASE WHEN $1::text IS NULL AND $11::int = 6 THEN 6 ELSE 15 END
     AND r.day >= $2::date AND r.day < $3::date
     AND ($1::text IS NULL OR (r.place_code >= $1 AND r.place_code < $1 || ':'))
     AND ($8::text[] IS NULL OR r.category_code = ANY($8))
     AND ($9::text[] IS NULL OR r.urgency = ANY($9))
     AND ($10::text[] IS NULL OR r.status = ANY($10))
  UNION ALL
  SELECT left(i.grid_code, $11::int), i.status, 1,
         CASE WHEN i.status = 'closed' AND i.due_at IS NOT NULL THEN 1 ELSE 0 END,
         CASE WHEN i.status = 'closed' AND i.due_at IS NOT NULL AND i.resolved_at <= i.due_at THEN 1 ELSE 0 END,
         CASE WHEN i.status = 'closed' THEN extract(epoch FROM i.closed_at - i.reported_at) ELSE 0 END
    FROM incident i
   WHERE (i.reported_at >= $4::timestamptz AND i.reported_at < $5::timestamptz
       OR i.reported_at >= $6::timestamptz AND i.reported_at < $7::timestamptz)
     AND ($1::text IS NULL OR i.district_code = $1 OR i.street_code = $1 OR i.community_code = $1 OR i.grid_code = $1)
     AND ($12::text IS NULL OR EXISTS (SELECT 1 FROM incident_assignment a WHERE a.incident_id = i.id AND a.unit_code = $12))
     AND ($8::text[] IS NULL OR i.category_code = ANY($8))
     AND ($9::text[] IS NULL OR i.urgency = ANY($9))
     AND ($10::text[] IS NULL OR i.status = ANY($10))
), windowed AS (
  SELECT child_code,
         sum(reported)::int AS reported,
         coalesce(sum(reported) FILTER (WHERE status = 'closed'), 0)::int AS closed,
         sum(closed_with_deadline)::int AS closed_with_deadline,
         sum(closed_within_deadline)::int AS closed_within_deadline,
         sum(close_seconds)::float8 AS close_seconds
    FROM window_rows
   GROUP BY 1
), current_parts AS (
  -- Open and red open: the daily rollup's rows of open statuses, any day
  -- (incident_daily_open_idx, migrations/024), at the depth the window reads.
  SELECT left(r.place_code, $11::int) AS child_code, r.reported AS open,
         CASE WHEN r.urgency = 'red' THEN r.reported ELSE 0 END AS red_open, 0 AS overdue
    FROM incident_daily r
   WHERE $12::text IS NULL
     AND incident_is_open(r.status)
     AND r.depth = CASE WHEN $1::text IS NULL AND $11::int = 6 THEN 6 ELSE 15 END
     AND ($1::text IS NULL OR (r.place_code >= $1 AND r.place_code < $1 || ':'))
     AND ($8::text[] IS NULL OR r.category_code = ANY($8))
     AND ($9::text[] IS NULL OR r.urgency = ANY($9))
     AND ($10::text[] IS NULL OR r.status = ANY($10))
  UNION ALL
  -- A handler's unit scope is not in the rollup: its open incidents' rows.
  SELECT left(i.grid_code, $11::int), 1, CASE WHEN i.urgency = 'red' THEN 1 ELSE 0 END, 0
    FROM incident i
   WHERE $12::text IS NOT NULL
     AND incident_is_open(i.status)
     AND (i.district_code = $1 OR i.street_code = $1 OR i.community_code = $1 OR i.grid_code = $1 OR $1::text IS NULL)
     AND EXISTS (SELECT 1 FROM incident_assignment a WHERE a.incident_id = i.id AND a.unit_code = $12)
     AND ($8::text[] IS NULL OR i.category_code = ANY($8))
     AND ($9::text[] IS NULL OR i.urgency = ANY($9))
     AND ($10::text[] IS NULL OR i.status = ANY($10))
  UNION ALL
  -- Overdue depends on the clock: the overdue incidents themselves, a range of
  -- incident_due_now_idx up to now.
  SELECT left(i.grid_code, $11::int), 0, 0, 1
    FROM incident i
   WHERE i.status IN ('dispatched', 'in_progress') AND i.due_at < now()
     AND ($1::text IS NULL OR i.district_code = $1 OR i.street_code = $1 OR i.community_code = $1 OR i.grid_code = $1)
     AND ($12::text IS NULL OR EXISTS (SELECT 1 FROM incident_assignment a WHERE a.incident_id = i.id AND a.unit_code = $12))
     AND ($8::text[] IS NULL OR i.category_code = ANY($8))
     AND ($9::text[] IS NULL OR i.urgency = ANY($9))
     AND ($10::text[] IS NULL OR i.status = ANY($10))
), current AS (
  SELECT child_code, sum(open)::int AS open, sum(overdue)::int AS overdue, sum(red_open)::int AS red_open
    FROM current_parts
   GROUP BY 1
)
SELECT coalesce(w.child_code, c.child_code) AS child_code,
       coalesce(w.reported, 0) AS reported,
       coalesce(w.closed, 0) AS closed,
       coalesce(c.open, 0) AS open,
       coalesce(c.overdue, 0) AS overdue,
       coalesce(c.red_open, 0) AS red_open,
       coalesce(w.closed_with_deadline, 0) AS closed_with_deadline,
       coalesce(w.closed_within_deadline, 0) AS closed_within_deadline,
       coalesce(w.close_seconds, 0)::float8 AS close_seconds
  FROM windowed w FULL JOIN current c ON c.child_code = w.child_code;
