-- Counts for a region and each of its children (found from the grid code
-- prefix: 6 digits = district, 9 = street, 12 = community, 15 = grid).
-- Two kinds of figure (README, "KPIs"):
-- * window figures, over incidents reported in [from, to): reported, closed,
--   deadline and time-to-close sums;
-- * "now" figures, over every incident open now whatever its report date:
--   open, overdue (the workflow's definition, migrations/005: dispatched or in
--   progress past due) and red open. An incident overdue for a year counts.
-- $1 district/street/community/grid code or NULL (whole city), $2 from, $3 to, $4 child code length.
-- $5 a handler's unit: only incidents dispatched to it (the same scope as their incident list), or NULL.
WITH windowed AS (
  SELECT left(i.grid_code, $4::int) AS child_code,
         count(*)::int AS reported,
         count(*) FILTER (WHERE i.status = 'closed')::int AS closed,
         -- Closed within deadline: resolved by the unit no later than due (of closed incidents that had a deadline).
         count(*) FILTER (WHERE i.status = 'closed' AND i.due_at IS NOT NULL)::int AS closed_with_deadline,
         count(*) FILTER (WHERE i.status = 'closed' AND i.due_at IS NOT NULL AND i.resolved_at <= i.due_at)::int AS closed_within_deadline,
         -- Summed, not averaged, so parents can add up their children exactly.
         coalesce(sum(extract(epoch FROM i.closed_at - i.reported_at)) FILTER (WHERE i.status = 'closed'), 0)::float8 AS close_seconds
    FROM incident i
   WHERE ($1::text IS NULL OR i.district_code = $1 OR i.street_code = $1 OR i.community_code = $1 OR i.grid_code = $1)
     AND ($5::text IS NULL OR EXISTS (SELECT 1 FROM incident_assignment a WHERE a.incident_id = i.id AND a.unit_code = $5))
     AND ($2::timestamptz IS NULL OR i.reported_at >= $2)
     AND ($3::timestamptz IS NULL OR i.reported_at < $3)
   GROUP BY 1
), current AS (
  -- The partial index incident_open_idx holds exactly these rows.
  SELECT left(i.grid_code, $4::int) AS child_code,
         count(*)::int AS open,
         count(*) FILTER (WHERE i.status IN ('dispatched', 'in_progress') AND i.due_at < now())::int AS overdue,
         count(*) FILTER (WHERE i.urgency = 'red')::int AS red_open
    FROM incident i
   WHERE i.status NOT IN ('closed', 'rejected', 'duplicate')
     AND ($1::text IS NULL OR i.district_code = $1 OR i.street_code = $1 OR i.community_code = $1 OR i.grid_code = $1)
     AND ($5::text IS NULL OR EXISTS (SELECT 1 FROM incident_assignment a WHERE a.incident_id = i.id AND a.unit_code = $5))
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
