-- One grid for the explorer's detail panel: where it sits (names of its
-- community, street and district), households, population, area, bbox and
-- its workers with masked phone numbers (as grid-by-code.sql).
-- $1 grid code, $2 the caller's scope (NULL = city): a grid outside it is not found.
SELECT g.code, g.name, g.households, g.population,
       round((ST_Area(g.boundary::geography) / 1e6)::numeric, 4)::float8 AS area_km2,
       json_build_array(round(ST_XMin(g.boundary)::numeric, 5), round(ST_YMin(g.boundary)::numeric, 5),
                        round(ST_XMax(g.boundary)::numeric, 5), round(ST_YMax(g.boundary)::numeric, 5)) AS bbox,
       coalesce((SELECT json_agg(json_build_object('id', w.id, 'name', w.name,
                                                   'phone', left(w.phone, 3) || '****' || right(w.phone, 4)) ORDER BY w.id)
                   FROM grid_worker_assignment a JOIN grid_worker w ON w.id = a.worker_id
                  WHERE a.grid_code = g.code), '[]'::json) AS workers
  FROM grid g
 WHERE g.code = $1
   AND ($2::text IS NULL OR g.code LIKE $2 || '%');
