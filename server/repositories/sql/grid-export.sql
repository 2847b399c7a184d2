-- The current grids of a region as a GeoJSON FeatureCollection that
-- POST /api/grids/import takes back unchanged: code, name, community_code,
-- households, population. $1 district/street/community code or NULL, $2 scope.
SELECT json_build_object(
         'type', 'FeatureCollection',
         'features', coalesce(json_agg(json_build_object(
            'type', 'Feature',
            'id', g.code,
            'geometry', ST_AsGeoJSON(ST_ForcePolygonCCW(g.boundary), 6)::json,
            'properties', json_build_object(
              'code', g.code, 'name', g.name, 'community_code', g.community_code,
              'households', g.households, 'population', g.population)
          ) ORDER BY g.code), '[]'::json)
       )::text AS body
  FROM grid g
 WHERE ($1::text IS NULL OR g.code LIKE $1 || '%')
   AND ($2::text IS NULL OR g.code LIKE $2 || '%');
