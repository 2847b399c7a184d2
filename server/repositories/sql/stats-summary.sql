-- Reported / closed / open / overdue / red open / deadline and time-to-close
-- sums for a region and each of its
-- children, over incidents reported in [from, to). Overdue follows the
-- workflow's definition (migrations/005): dispatched or in progress past due. Children are found from the grid code
-- prefix: 6 digits = district, 9 = street, 12 = community, 15 = grid.
-- $1 district/street/community/grid code or NULL (whole city), $2 from, $3 to, $4 child code length.
WITH scoped AS (
  SELECT left(i.grid_code, $4::int) AS child_code, i.status, i.urgency, i.due_at, i.resolved_at, i.reported_at, i.closed_at
    FROM incident i
   WHERE ($1::text IS NULL OR i.district_code = $1 OR i.street_code = $1 OR i.community_code = $1 OR i.grid_code = $1)
     AND ($2::timestamptz IS NULL OR i.reported_at >= $2)
     AND ($3::timestamptz IS NULL OR i.reported_at < $3)
)
SELECT child_code,
       count(*)::int AS reported,
       count(*) FILTER (WHERE status = 'closed')::int AS closed,
       count(*) FILTER (WHERE status NOT IN ('closed', 'rejected', 'duplicate'))::int AS open,
       count(*) FILTER (WHERE status IN ('dispatched', 'in_progress') AND due_at < now())::int AS overdue,
       count(*) FILTER (WHERE urgency = 'red' AND status NOT IN ('closed', 'rejected', 'duplicate'))::int AS red_open,
       -- Closed within deadline: resolved by the unit no later than due (of closed incidents that had a deadline).
       count(*) FILTER (WHERE status = 'closed' AND due_at IS NOT NULL)::int AS closed_with_deadline,
       count(*) FILTER (WHERE status = 'closed' AND due_at IS NOT NULL AND resolved_at <= due_at)::int AS closed_within_deadline,
       -- Summed, not averaged, so parents can add up their children exactly.
       coalesce(sum(extract(epoch FROM closed_at - reported_at)) FILTER (WHERE status = 'closed'), 0)::float8 AS close_seconds
  FROM scoped
 GROUP BY child_code;
