-- District and street outlines with their names, a label point inside each
-- (the centre of the largest inscribed circle: it stays inside concave and
-- long shapes, where a centroid may not) and a bbox for flying to it.
-- $1 region code or NULL (the regions inside it, and itself), $2 tolerance in
-- degrees (0 = none), $3 levels to include (e.g. {district,street}).
-- Every outline is a MultiPolygon, outer rings counter-clockwise. When
-- simplifying the geometry is left null here: the repository puts in the
-- city-wide shared-edge simplification of each level (shared-edge-shapes.ts).
WITH picked AS (
  SELECT r.code, r.level, r.name, r.name_en, r.population, r.boundary,
         (ST_MaximumInscribedCircle(r.boundary)).center AS label
    FROM region r
   WHERE r.level = ANY($3::text[])
     AND ($1::text IS NULL OR r.code LIKE $1 || '%')
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
