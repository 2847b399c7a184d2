-- The grids as they were at $2 ("grids as of date"), from grid_version, as an
-- RFC 7946 FeatureCollection with each version's validity period.
-- $1 district/street/community code or NULL (whole city), $2 the moment,
-- $3 the caller's scope (NULL = city).
WITH picked AS (
  SELECT v.code, v.name, v.community_code, v.households, v.population, v.boundary, v.valid_from, v.valid_to, v.plan_id
    FROM grid_version v
   WHERE v.valid_from <= $2 AND (v.valid_to IS NULL OR v.valid_to > $2)
     AND ($1::text IS NULL OR v.code LIKE $1 || '%')
     AND ($3::text IS NULL OR v.code LIKE $3 || '%')
)
SELECT json_build_object(
         'type', 'FeatureCollection',
         'as_of', $2::timestamptz,
         'features', coalesce(json_agg(json_build_object(
            'type', 'Feature',
            'id', p.code,
            'geometry', ST_AsGeoJSON(ST_ForcePolygonCCW(p.boundary), 6)::json,
            'properties', json_build_object(
              'code', p.code, 'name', p.name, 'community_code', p.community_code,
              'households', p.households, 'population', p.population,
              -- -infinity: loaded before any plan, valid "since always".
              'valid_from', CASE WHEN p.valid_from = '-infinity' THEN NULL ELSE p.valid_from END,
              'valid_to', p.valid_to, 'plan_id', p.plan_id)
          ) ORDER BY p.code), '[]'::json)
       )::text AS body
  FROM picked p;
