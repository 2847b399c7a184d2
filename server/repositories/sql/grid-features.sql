-- Grids as an RFC 7946 FeatureCollection, built in PostGIS and returned as text.
-- $1 district/street/community/grid code or NULL (whole city), $2-$5 bbox or NULLs,
-- $6 simplification tolerance in degrees (0 = none), $7 limit.
-- Outer rings are forced counter-clockwise and coordinates cut to 6 decimals
-- (about 0.1 m), as RFC 7946 recommends.
WITH picked AS (
  SELECT g.code, g.name, g.community_code, g.street_code, g.district_code, g.households, g.population,
         CASE WHEN $6::float8 > 0 THEN ST_SimplifyPreserveTopology(g.boundary, $6::float8) ELSE g.boundary END AS geom
    FROM grid g
   WHERE ($1::text IS NULL OR g.district_code = $1 OR g.street_code = $1 OR g.community_code = $1 OR g.code = $1)
     AND ($2::float8 IS NULL OR g.boundary && ST_MakeEnvelope($2, $3, $4, $5, 4326))
   ORDER BY g.code
   LIMIT $7
)
SELECT json_build_object(
         'type', 'FeatureCollection',
         'features', coalesce(json_agg(json_build_object(
            'type', 'Feature',
            'id', p.code,
            'geometry', ST_AsGeoJSON(ST_ForcePolygonCCW(p.geom), 6)::json,
            'properties', json_build_object(
              'code', p.code, 'name', p.name,
              'community_code', p.community_code, 'street_code', p.street_code, 'district_code', p.district_code,
              'households', p.households, 'population', p.population)
          ) ORDER BY p.code), '[]'::json),
         'numberReturned', count(*)
       )::text AS body
  FROM picked p;
