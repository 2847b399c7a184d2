-- Per-grid figures over incidents reported in [from, to), for colouring the
-- wall map. Only grids with at least one incident in the window come back;
-- the client reads a missing grid as all zeros.
-- Overdue follows the workflow's definition (migrations/005): still
-- dispatched or in progress after its due time.
-- max_open_urgency: 0 none, 1 blue, 2 yellow, 3 red, over the open ones.
-- $1 region code or NULL, $2 from, $3 to (NULL = open-ended).
SELECT i.grid_code AS code,
       count(*)::int AS reported,
       count(*) FILTER (WHERE i.status = 'closed')::int AS closed,
       count(*) FILTER (WHERE i.status NOT IN ('closed', 'rejected', 'duplicate'))::int AS open,
       count(*) FILTER (WHERE i.status IN ('dispatched', 'in_progress') AND i.due_at < now())::int AS overdue,
       coalesce(max(CASE i.urgency WHEN 'red' THEN 3 WHEN 'yellow' THEN 2 ELSE 1 END)
                  FILTER (WHERE i.status NOT IN ('closed', 'rejected', 'duplicate')), 0)::int AS max_open_urgency
  FROM incident i
 WHERE ($1::text IS NULL OR i.district_code = $1 OR i.street_code = $1 OR i.community_code = $1)
   AND ($2::timestamptz IS NULL OR i.reported_at >= $2)
   AND ($3::timestamptz IS NULL OR i.reported_at < $3)
 GROUP BY i.grid_code
 ORDER BY i.grid_code;
