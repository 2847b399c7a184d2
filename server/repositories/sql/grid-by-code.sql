-- One grid as a GeoJSON Feature with its workers. Phone numbers are masked:
-- a wall display or a browser has no need of residents' workers' full numbers.
-- $1 code, $2 the caller's scope (NULL = city): a grid outside it is not found.
SELECT json_build_object(
         'type', 'Feature',
         'id', g.code,
         'geometry', ST_AsGeoJSON(ST_ForcePolygonCCW(g.boundary), 6)::json,
         'properties', json_build_object(
           'code', g.code, 'name', g.name,
           'community_code', g.community_code, 'street_code', g.street_code, 'district_code', g.district_code,
           'households', g.households, 'population', g.population,
           'area_km2', round((ST_Area(g.boundary::geography) / 1e6)::numeric, 4),
           'workers', coalesce((
             SELECT json_agg(json_build_object('id', w.id, 'name', w.name,
                                               'phone', left(w.phone, 3) || '****' || right(w.phone, 4)) ORDER BY w.id)
               FROM grid_worker_assignment a JOIN grid_worker w ON w.id = a.worker_id
              WHERE a.grid_code = g.code), '[]'::json))
       )::text AS body
  FROM grid g
 WHERE g.code = $1
   AND ($2::text IS NULL OR g.code LIKE $2 || '%');
