-- Incidents of one tile in tile coordinates (y down, 0..extent): each point
-- when $9 is 0 (zoomed in, where a tile holds few), else square cells of $9
-- tile units with their count, one point at each non-empty cell's centre
-- (zoomed out: a tile could hold the whole city's history). Cell ids number
-- the cells of the tile row by row (nullif: the planner folds constants in
-- the cell branch even when $9 is 0 and would divide by zero). Both backends read this; PostgreSQL
-- encodes the same rows with ST_AsMVT (tile-incidents-mvt.sql).
-- $1 z, $2 x, $3 y, $4 region code or NULL (the caller's scope), $5 extent,
-- $6 a handler's unit or NULL, $7 reported from, $8 reported before (NULL = open-ended), $9 cell size (0 = points).
WITH area AS (
  SELECT ST_Transform(env, 4326) AS lonlat,
         $5::float8 / (ST_XMax(env) - ST_XMin(env)) AS scale, ST_XMin(env) AS x0, ST_YMax(env) AS y0
    FROM (SELECT ST_TileEnvelope($1::int, $2::int, $3::int) AS env) t
), located AS (
  SELECT i.id, i.code, i.status, i.urgency, i.category_code AS category,
         -- A point on the right or bottom edge belongs to the last unit, not outside.
         least(floor((ST_X(m) - a.x0) * a.scale)::int, $5::int - 1) AS px,
         least(floor((a.y0 - ST_Y(m)) * a.scale)::int, $5::int - 1) AS py
    FROM incident i, area a, LATERAL ST_Transform(i.location, 3857) AS m
   -- ST_Intersects, not &&: index boxes are rounded outwards (float4), so && alone lets in points just outside.
   WHERE ST_Intersects(i.location, a.lonlat)
     AND ($4::text IS NULL OR i.district_code = $4 OR i.street_code = $4 OR i.community_code = $4 OR i.grid_code = $4)
     AND ($6::text IS NULL OR EXISTS (SELECT 1 FROM incident_assignment s WHERE s.incident_id = i.id AND s.unit_code = $6))
     AND ($7::timestamptz IS NULL OR i.reported_at >= $7)
     AND ($8::timestamptz IS NULL OR i.reported_at < $8)
)
SELECT id, code::text AS code, status::text AS status, urgency::text AS urgency, category::text AS category, NULL::int AS count, px, py
  FROM located
 WHERE $9::int = 0
UNION ALL
SELECT (py / nullif($9::int, 0)) * ($5::int / nullif($9::int, 0)) + px / nullif($9::int, 0), NULL, NULL, NULL, NULL, count(*)::int,
       (px / nullif($9::int, 0)) * nullif($9::int, 0) + nullif($9::int, 0) / 2, (py / nullif($9::int, 0)) * nullif($9::int, 0) + nullif($9::int, 0) / 2
  FROM located
 WHERE $9::int > 0
 GROUP BY px / nullif($9::int, 0), py / nullif($9::int, 0)
 ORDER BY 1;
