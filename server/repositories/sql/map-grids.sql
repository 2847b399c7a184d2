-- Grid outlines for the wall map: only what colouring needs (the code as a
-- numeric feature id, which MapLibre's feature state requires; codes start
-- 1-9 and have 15 digits, exact in a double; population for per-capita rates), 5 decimals (about 1 m, finer
-- than a pixel at any wall zoom) to keep the city's 3,000+ polygons small.
-- Every grid is a MultiPolygon, simplified or not. When simplifying the
-- geometry is left null here: the repository puts in the city-wide
-- shared-edge simplification (shared-edge-shapes.ts), so neighbours keep
-- sharing their edges.
-- $1 region code or NULL, $2 simplification tolerance in degrees (0 = none).
SELECT json_build_object(
         'type', 'FeatureCollection',
         'features', coalesce(json_agg(json_build_object(
            'type', 'Feature',
            'id', g.code::bigint,
            'geometry', CASE WHEN $2::float8 > 0 THEN NULL ELSE ST_AsGeoJSON(ST_ForcePolygonCCW(ST_Multi(g.boundary)), 5)::json END,
            'properties', json_build_object('population', g.population)
          ) ORDER BY g.code), '[]'::json)
       )::text AS body
  FROM grid g
 WHERE $1::text IS NULL OR g.district_code = $1 OR g.street_code = $1 OR g.community_code = $1 OR g.code = $1;
