-- The draft against the published grids of its community, as a GeoJSON
-- FeatureCollection: each draft grid that is new or changed (its boundary
-- differs by more than a rounding sliver), each published grid it removes, and the
-- unchanged ones, with change = new | changed | removed | unchanged.
-- $1 plan id, $2 revision, $3/$4 area (m²) and width (m) tolerances.
WITH plan AS (SELECT community_code FROM grid_plan WHERE id = $1),
f AS (SELECT key, code, name, boundary FROM grid_plan_feature WHERE plan_id = $1 AND revision = $2),
published AS (SELECT g.code, g.name, g.boundary FROM grid g, plan WHERE g.community_code = plan.community_code),
rows AS (
  SELECT f.key, f.code, coalesce(f.name, p.name) AS name, f.boundary AS geom,
         CASE WHEN p.code IS NULL THEN 'new'
              WHEN NOT ST_IsValid(f.boundary) THEN 'changed'
              WHEN grid_plan_significant(ST_SymDifference(f.boundary, p.boundary, 1e-9), $3::float8, $4::float8) THEN 'changed'
              ELSE 'unchanged' END AS change,
         CASE WHEN p.code IS NOT NULL AND ST_IsValid(f.boundary)
              THEN grid_plan_area_m2(ST_SymDifference(f.boundary, p.boundary, 1e-9)) END AS changed_m2
    FROM f LEFT JOIN published p ON p.code = f.code
  UNION ALL
  SELECT NULL, p.code, p.name, p.boundary, 'removed', grid_plan_area_m2(p.boundary)
    FROM published p WHERE NOT EXISTS (SELECT 1 FROM f WHERE f.code = p.code)
)
SELECT json_build_object(
         'type', 'FeatureCollection',
         'features', coalesce(json_agg(json_build_object(
            'type', 'Feature',
            'geometry', ST_AsGeoJSON(ST_ForcePolygonCCW(r.geom), 6)::json,
            'properties', json_build_object('change', r.change, 'key', r.key, 'code', r.code, 'name', r.name,
                                            'changed_m2', round(r.changed_m2::numeric, 1))
          ) ORDER BY r.change, r.code, r.key), '[]'::json)
       )::text AS body
  FROM rows r;
