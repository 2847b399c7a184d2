-- Per-grid figures over incidents reported in [from, to), for colouring the
-- wall map: every grid of the region, with its population, so the client can
-- colour the map without holding the polygons (MapLibre loads those itself,
-- in its worker).
-- Overdue follows the workflow's definition (migrations/005): still
-- dispatched or in progress after its due time.
-- max_open_urgency: 0 none, 1 blue, 2 yellow, 3 red, over the open ones.
-- $1 region code or NULL, $2 from, $3 to (NULL = open-ended).
SELECT g.code,
       count(i.id)::int AS reported,
       count(i.id) FILTER (WHERE i.status = 'closed')::int AS closed,
       count(i.id) FILTER (WHERE i.status NOT IN ('closed', 'rejected', 'duplicate'))::int AS open,
       count(i.id) FILTER (WHERE i.status IN ('dispatched', 'in_progress') AND i.due_at < now())::int AS overdue,
       coalesce(max(CASE i.urgency WHEN 'red' THEN 3 WHEN 'yellow' THEN 2 ELSE 1 END)
                  FILTER (WHERE i.status NOT IN ('closed', 'rejected', 'duplicate')), 0)::int AS max_open_urgency,
       g.population
  FROM grid g
  LEFT JOIN incident i
         ON i.grid_code = g.code
        AND ($2::timestamptz IS NULL OR i.reported_at >= $2)
        AND ($3::timestamptz IS NULL OR i.reported_at < $3)
 WHERE $1::text IS NULL OR g.district_code = $1 OR g.street_code = $1 OR g.community_code = $1 OR g.code = $1
 GROUP BY g.code, g.population
 ORDER BY g.code;
