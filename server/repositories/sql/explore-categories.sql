-- Per category of a place, every category listed (zeros included), in the
-- catalogue's order: reported and closed over the filtered incidents
-- reported in [from, to) (window figures), open over every filtered incident
-- open now, whatever its report date ("now" figure, as in explore-counts.sql).
-- $1 place code or NULL, $2 from, $3 to, $4 categories[], $5 urgencies[], $6 statuses[].
-- $7 a handler's unit: only incidents dispatched to it (the same scope as their incident list), or NULL.
WITH windowed AS (
  SELECT i.category_code, count(*)::int AS reported, count(*) FILTER (WHERE i.status = 'closed')::int AS closed
    FROM incident i
   WHERE ($1::text IS NULL OR i.district_code = $1 OR i.street_code = $1 OR i.community_code = $1 OR i.grid_code = $1)
     AND ($7::text IS NULL OR EXISTS (SELECT 1 FROM incident_assignment a WHERE a.incident_id = i.id AND a.unit_code = $7))
     AND ($2::timestamptz IS NULL OR i.reported_at >= $2)
     AND ($3::timestamptz IS NULL OR i.reported_at < $3)
     AND ($5::text[] IS NULL OR i.urgency = ANY($5))
     AND ($6::text[] IS NULL OR i.status = ANY($6))
   GROUP BY 1
), current AS (
  SELECT i.category_code, count(*)::int AS open
    FROM incident i
   WHERE incident_is_open(i.status)
     AND ($1::text IS NULL OR i.district_code = $1 OR i.street_code = $1 OR i.community_code = $1 OR i.grid_code = $1)
     AND ($7::text IS NULL OR EXISTS (SELECT 1 FROM incident_assignment a WHERE a.incident_id = i.id AND a.unit_code = $7))
     AND ($5::text[] IS NULL OR i.urgency = ANY($5))
     AND ($6::text[] IS NULL OR i.status = ANY($6))
   GROUP BY 1
)
SELECT c.code, c.name_zh, c.name_en,
       coalesce(w.reported, 0) AS reported,
       coalesce(w.closed, 0) AS closed,
       coalesce(o.open, 0) AS open
  FROM incident_category c
  LEFT JOIN windowed w ON w.category_code = c.code
  LEFT JOIN current o ON o.category_code = c.code
 WHERE $4::text[] IS NULL OR c.code = ANY($4)
 ORDER BY c.sort_order, c.code;
