-- One region as a GeoJSON Feature: boundary (optionally simplified), bbox and
-- its children's codes (streets of a district, grids of a community, ...).
-- $1 code, $2 simplification tolerance, $3 the caller's scope (NULL = city):
-- a region outside the scope is not found.
SELECT json_build_object(
         'type', 'Feature',
         'id', r.code,
         'bbox', json_build_array(round(ST_XMin(r.boundary)::numeric, 6), round(ST_YMin(r.boundary)::numeric, 6),
                                  round(ST_XMax(r.boundary)::numeric, 6), round(ST_YMax(r.boundary)::numeric, 6)),
         'geometry', ST_AsGeoJSON(ST_ForcePolygonCCW(
             CASE WHEN $2::float8 > 0 THEN ST_SimplifyPreserveTopology(r.boundary, $2::float8) ELSE r.boundary END), 6)::json,
         'properties', json_build_object(
           'code', r.code, 'name', r.name, 'name_en', r.name_en, 'level', r.level,
           'parent_code', r.parent_code, 'population', r.population,
           'area_km2', round((ST_Area(r.boundary::geography) / 1e6)::numeric, 3),
           'children', CASE WHEN r.level = 'community'
             THEN coalesce((SELECT json_agg(g.code ORDER BY g.code) FROM grid g WHERE g.community_code = r.code), '[]'::json)
             ELSE coalesce((SELECT json_agg(c.code ORDER BY c.code) FROM region c WHERE c.parent_code = r.code), '[]'::json)
           END)
       )::text AS body
  FROM region r
 WHERE r.code = $1
   AND ($3::text IS NULL OR r.code LIKE $3 || '%');
