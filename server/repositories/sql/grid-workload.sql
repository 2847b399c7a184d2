-- The current grids of community $1 with what a planner weighs: households,
-- population, workers and incidents reported in [$2, $3) (by the grid they
-- were assigned to).
SELECT json_build_object(
         'type', 'FeatureCollection',
         'features', coalesce(json_agg(json_build_object(
            'type', 'Feature',
            'id', g.code,
            'geometry', ST_AsGeoJSON(ST_ForcePolygonCCW(g.boundary), 6)::json,
            'properties', json_build_object(
              'code', g.code, 'name', g.name, 'households', g.households, 'population', g.population,
              'workers', (SELECT count(*)::int FROM grid_worker_assignment a WHERE a.grid_code = g.code),
              'incidents', (SELECT count(*)::int FROM incident i
                             WHERE i.grid_code = g.code AND i.reported_at >= $2 AND i.reported_at < $3),
              'area_km2', round((ST_Area(g.boundary::geography) / 1e6)::numeric, 4))
          ) ORDER BY g.code), '[]'::json)
       )::text AS body
  FROM grid g
 WHERE g.community_code = $1;
