-- Figures per child of a place (children found from the grid code prefix:
-- 6 digits = district, 9 = street, 12 = community, 15 = grid), over
-- incidents that pass the filters: the explorer's, and with no filters the
-- summary's (/api/stats/summary, the wall's KPIs). Two kinds (README, "KPIs"):
-- * window figures (reported, closed, deadline and time-to-close sums) over
--   incidents reported in [from, to): an index range on (district|street|
--   community|grid code, reported_at) for a district or smaller;
-- * "now" figures (open, overdue, red open) over every incident open now,
--   whatever its report date: the small partial index incident_open_idx.
-- Overdue follows the workflow (migrations/005): dispatched or in progress
-- past due. Sums, not means, so parents add up their children.
-- $1 district/street/community/grid code or NULL (whole city), $2 from, $3 to,
-- $4 categories[], $5 urgencies[], $6 statuses[] (NULL = any), $7 child code length.
-- $8 a handler's unit: only incidents dispatched to it (the same scope as their incident list), or NULL.
WITH windowed AS (
  SELECT left(i.grid_code, $7::int) AS child_code,
         count(*)::int AS reported,
         count(*) FILTER (WHERE i.status = 'closed')::int AS closed,
         count(*) FILTER (WHERE i.status = 'closed' AND i.due_at IS NOT NULL)::int AS closed_with_deadline,
         count(*) FILTER (WHERE i.status = 'closed' AND i.due_at IS NOT NULL AND i.resolved_at <= i.due_at)::int AS closed_within_deadline,
         coalesce(sum(extract(epoch FROM i.closed_at - i.reported_at)) FILTER (WHERE i.status = 'closed'), 0)::float8 AS close_seconds
    FROM incident i
   WHERE ($1::text IS NULL OR i.district_code = $1 OR i.street_code = $1 OR i.community_code = $1 OR i.grid_code = $1)
     AND ($8::text IS NULL OR EXISTS (SELECT 1 FROM incident_assignment a WHERE a.incident_id = i.id AND a.unit_code = $8))
     AND ($2::timestamptz IS NULL OR i.reported_at >= $2)
     AND ($3::timestamptz IS NULL OR i.reported_at < $3)
     AND ($4::text[] IS NULL OR i.category_code = ANY($4))
     AND ($5::text[] IS NULL OR i.urgency = ANY($5))
     AND ($6::text[] IS NULL OR i.status = ANY($6))
   GROUP BY 1
), current AS (
  SELECT left(i.grid_code, $7::int) AS child_code,
         count(*)::int AS open,
         count(*) FILTER (WHERE i.status IN ('dispatched', 'in_progress') AND i.due_at < now())::int AS overdue,
         count(*) FILTER (WHERE i.urgency = 'red')::int AS red_open
    FROM incident i
   WHERE incident_is_open(i.status)
     AND ($1::text IS NULL OR i.district_code = $1 OR i.street_code = $1 OR i.community_code = $1 OR i.grid_code = $1)
     AND ($8::text IS NULL OR EXISTS (SELECT 1 FROM incident_assignment a WHERE a.incident_id = i.id AND a.unit_code = $8))
     AND ($4::text[] IS NULL OR i.category_code = ANY($4))
     AND ($5::text[] IS NULL OR i.urgency = ANY($5))
     AND ($6::text[] IS NULL OR i.status = ANY($6))
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
