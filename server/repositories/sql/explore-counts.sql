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
--   whatever its report date: the small partial index incident_open_now_idx.
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
), current AS (
  SELECT left(i.grid_code, $11::int) AS child_code,
         count(*)::int AS open,
         count(*) FILTER (WHERE i.status IN ('dispatched', 'in_progress') AND i.due_at < now())::int AS overdue,
         count(*) FILTER (WHERE i.urgency = 'red')::int AS red_open
    FROM incident i
   WHERE incident_is_open(i.status)
     AND ($1::text IS NULL OR i.district_code = $1 OR i.street_code = $1 OR i.community_code = $1 OR i.grid_code = $1)
     AND ($12::text IS NULL OR EXISTS (SELECT 1 FROM incident_assignment a WHERE a.incident_id = i.id AND a.unit_code = $12))
     AND ($8::text[] IS NULL OR i.category_code = ANY($8))
     AND ($9::text[] IS NULL OR i.urgency = ANY($9))
     AND ($10::text[] IS NULL OR i.status = ANY($10))
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
