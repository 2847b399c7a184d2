-- One page of grids in code order, as the pieces of an RFC 7946
-- FeatureCollection built in PostGIS: the features array as text, how many
-- matched the filters in all, and the last code returned (the next page's
-- keyset) when more follow.
-- $1 district/street/community/grid code or NULL (whole city), $2-$5 bbox or NULLs,
-- $6 simplification tolerance in degrees (0 = none), $7 limit, $8 the last code of the page before or NULL.
-- Outer rings are forced counter-clockwise and coordinates cut to 6 decimals
-- (about 0.1 m), as RFC 7946 recommends; every grid is a MultiPolygon.
-- When simplifying, the geometry is left null here: the repository puts in
-- the city-wide shared-edge simplification (shared-edge-shapes.ts), which
-- per-grid ST_SimplifyPreserveTopology cannot give (neighbours drift apart).
WITH matching AS (
  SELECT g.* FROM grid g
   WHERE ($1::text IS NULL OR g.district_code = $1 OR g.street_code = $1 OR g.community_code = $1 OR g.code = $1)
     AND ($2::float8 IS NULL OR g.boundary && ST_MakeEnvelope($2, $3, $4, $5, 4326))
), picked AS (
  SELECT g.code, g.name,
         -- English: the community's English name and the grid's number, as the explorer says it (grid_name_en, migrations/023).
         (SELECT grid_name_en(c.name_en, g.code) FROM region c WHERE c.code = g.community_code) AS name_en,
         g.community_code, g.street_code, g.district_code, g.households, g.population,
         g.boundary AS geom
    FROM matching g
   WHERE $8::text IS NULL OR g.code > $8
   ORDER BY g.code
   LIMIT $7::int + 1
), page AS (
  SELECT * FROM picked ORDER BY code LIMIT $7
)
SELECT coalesce(json_agg(json_build_object(
          'type', 'Feature',
          'id', p.code,
          'geometry', CASE WHEN $6::float8 > 0 THEN NULL ELSE ST_AsGeoJSON(ST_ForcePolygonCCW(ST_Multi(p.geom)), 6)::json END,
          'properties', json_build_object(
            'code', p.code, 'name', p.name, 'name_en', p.name_en,
            'community_code', p.community_code, 'street_code', p.street_code, 'district_code', p.district_code,
            'households', p.households, 'population', p.population)
        ) ORDER BY p.code), '[]'::json)::text AS features,
       count(*)::int AS returned,
       (SELECT count(*)::int FROM matching) AS matched,
       CASE WHEN (SELECT count(*) FROM picked) > $7 THEN max(p.code) END AS last_code
  FROM page p;
