-- The rows of tile-incidents.sql (same parameters, same text up to the
-- final SELECT) encoded by PostGIS: points already in tile coordinates, so
-- no ST_AsMVTGeom; NULL properties are left out of a feature.
-- Features in id order, as the server encodes the rows on PGlite: the same
-- data gives the same bytes whatever plan the query takes (an incident tile's
-- tag is a hash of its bytes, so an unordered tile changed tag for nothing).
WITH area AS (
  SELECT ST_Transform(env, 4326) AS lonlat,
         $5::float8 / (ST_XMax(env) - ST_XMin(env)) AS scale, ST_XMin(env) AS x0, ST_YMax(env) AS y0
    FROM (SELECT ST_TileEnvelope($1::int, $2::int, $3::int) AS env) t
), located AS (
  SELECT i.id, i.code, i.status, i.urgency, i.category_code AS category,
         least(floor((ST_X(m) - a.x0) * a.scale)::int, $5::int - 1) AS px,
         least(floor((a.y0 - ST_Y(m)) * a.scale)::int, $5::int - 1) AS py
    FROM incident i, area a, LATERAL ST_Transform(i.location, 3857) AS m
   WHERE ST_Intersects(i.location, a.lonlat)
     AND ($4::text IS NULL OR i.district_code = $4 OR i.street_code = $4 OR i.community_code = $4 OR i.grid_code = $4)
     AND ($6::text IS NULL OR EXISTS (SELECT 1 FROM incident_assignment s WHERE s.incident_id = i.id AND s.unit_code = $6))
     AND ($7::timestamptz IS NULL OR i.reported_at >= $7)
     AND ($8::timestamptz IS NULL OR i.reported_at < $8)
), features AS (
  SELECT id, code::text AS code, status::text AS status, urgency::text AS urgency, category::text AS category, NULL::int AS count,
         ST_MakePoint(px, py) AS geom
    FROM located
   WHERE $9::int = 0
  UNION ALL
  SELECT (py / nullif($9::int, 0)) * ($5::int / nullif($9::int, 0)) + px / nullif($9::int, 0), NULL, NULL, NULL, NULL, count(*)::int,
         ST_MakePoint((px / nullif($9::int, 0)) * nullif($9::int, 0) + nullif($9::int, 0) / 2, (py / nullif($9::int, 0)) * nullif($9::int, 0) + nullif($9::int, 0) / 2)
    FROM located
   WHERE $9::int > 0
   GROUP BY px / nullif($9::int, 0), py / nullif($9::int, 0)
)
SELECT coalesce(ST_AsMVT(features, 'incidents', $5::int, 'geom', 'id' ORDER BY features.id), ''::bytea) AS tile, count(*)::int AS features
  FROM features;
