-- District, street, community and grid outlines with their names, a label
-- point inside each (the centre of the largest inscribed circle: it stays
-- inside concave and long shapes, where a centroid may not) and a bbox for
-- flying to it. $1 region code or NULL (the places inside it, and itself), $2
-- tolerance in degrees (0 = none), $3 levels to include (e.g. {district,street};
-- 'grid' only under a street, community or grid: the route sees to that).
-- A grid's English name is its community's and its number (grid_name_en, migrations/023).
-- Every outline is a MultiPolygon, outer rings counter-clockwise. When
-- simplifying the geometry is left null here: the repository puts in the
-- city-wide shared-edge simplification of each level (shared-edge-shapes.ts).
WITH places AS (
  SELECT r.code, r.level, r.name, r.name_en, r.population, r.boundary
    FROM region r
   WHERE r.level = ANY($3::text[])
     AND ($1::text IS NULL OR r.code LIKE $1 || '%')
  UNION ALL
  SELECT g.code, 'grid', g.name, (SELECT grid_name_en(c.name_en, g.code) FROM region c WHERE c.code = g.community_code),
         g.population, g.boundary
    FROM grid g
   WHERE 'grid' = ANY($3::text[])
     AND ($1::text IS NULL OR g.code LIKE $1 || '%')
), picked AS (
  SELECT p.*, (ST_MaximumInscribedCircle(p.boundary)).center AS label FROM places p
)
SELECT json_build_object(
         'type', 'FeatureCollection',
         'features', coalesce(json_agg(json_build_object(
            'type', 'Feature',
            'id', p.code,
            'bbox', json_build_array(round(ST_XMin(p.boundary)::numeric, 5), round(ST_YMin(p.boundary)::numeric, 5),
                                     round(ST_XMax(p.boundary)::numeric, 5), round(ST_YMax(p.boundary)::numeric, 5)),
            'geometry', CASE WHEN $2::float8 > 0 THEN NULL ELSE ST_AsGeoJSON(ST_ForcePolygonCCW(ST_Multi(p.boundary)), 5)::json END,
            'properties', json_build_object(
              'code', p.code, 'level', p.level, 'name', p.name, 'name_en', p.name_en, 'population', p.population,
              'label', json_build_array(round(ST_X(p.label)::numeric, 5), round(ST_Y(p.label)::numeric, 5)))
          ) ORDER BY p.code), '[]'::json)
       )::text AS body
  FROM picked p;
