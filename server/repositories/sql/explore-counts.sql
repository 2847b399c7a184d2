-- The explorer's figures per child of a place, over incidents reported in
-- [from, to) that pass the filters. Children are found from the grid code
-- prefix (6 digits = district, 9 = street, 12 = community, 15 = grid), so one
-- pass over the place's incidents serves every child at once. The scan is an
-- index range on (district|street|community|grid code, reported_at): its cost
-- grows with the incidents of that place in that window, never with the
-- table. Overdue follows the workflow (migrations/005): dispatched or in
-- progress past due. Sums, not means, so parents add up their children.
-- $1 district/street/community/grid code or NULL (whole city), $2 from, $3 to,
-- $4 categories[], $5 urgencies[], $6 statuses[] (NULL = any), $7 child code length.
SELECT left(i.grid_code, $7::int) AS child_code,
       count(*)::int AS reported,
       count(*) FILTER (WHERE i.status = 'closed')::int AS closed,
       count(*) FILTER (WHERE i.status NOT IN ('closed', 'rejected', 'duplicate'))::int AS open,
       count(*) FILTER (WHERE i.status IN ('dispatched', 'in_progress') AND i.due_at < now())::int AS overdue,
       count(*) FILTER (WHERE i.urgency = 'red' AND i.status NOT IN ('closed', 'rejected', 'duplicate'))::int AS red_open,
       count(*) FILTER (WHERE i.status = 'closed' AND i.due_at IS NOT NULL)::int AS closed_with_deadline,
       count(*) FILTER (WHERE i.status = 'closed' AND i.due_at IS NOT NULL AND i.resolved_at <= i.due_at)::int AS closed_within_deadline,
       coalesce(sum(extract(epoch FROM i.closed_at - i.reported_at)) FILTER (WHERE i.status = 'closed'), 0)::float8 AS close_seconds
  FROM incident i
 WHERE ($1::text IS NULL OR i.district_code = $1 OR i.street_code = $1 OR i.community_code = $1 OR i.grid_code = $1)
   AND ($2::timestamptz IS NULL OR i.reported_at >= $2)
   AND ($3::timestamptz IS NULL OR i.reported_at < $3)
   AND ($4::text[] IS NULL OR i.category_code = ANY($4))
   AND ($5::text[] IS NULL OR i.urgency = ANY($5))
   AND ($6::text[] IS NULL OR i.status = ANY($6))
 GROUP BY 1;
