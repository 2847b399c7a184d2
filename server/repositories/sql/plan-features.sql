-- The features of one revision of a plan as a GeoJSON FeatureCollection, with
-- what the planner weighs: households and population (estimated by area from
-- the published grids unless surveyed), the workers of the grid it continues,
-- and the incidents reported in [$3, $4) inside it (each incident counted
-- once: the lowest key wins on a shared edge).
-- $1 plan id, $2 revision, $3 from, $4 to.
WITH f AS (
  SELECT f.key, f.code, f.name, f.boundary FROM grid_plan_feature f WHERE f.plan_id = $1 AND f.revision = $2
),
inc AS (
  SELECT DISTINCT ON (i.id) i.id, f.key
    FROM grid_plan p
    JOIN incident i ON i.community_code = p.community_code AND i.reported_at >= $3 AND i.reported_at < $4
    JOIN f ON f.boundary && i.location AND ST_Intersects(ST_MakeValid(f.boundary), i.location)
   WHERE p.id = $1
   ORDER BY i.id, f.key
),
counts AS (SELECT key, count(*)::int AS n FROM inc GROUP BY key)
SELECT json_build_object(
         'type', 'FeatureCollection',
         'features', coalesce(json_agg(json_build_object(
            'type', 'Feature',
            'id', f.key,
            'geometry', ST_AsGeoJSON(ST_ForcePolygonCCW(f.boundary), 6)::json,
            'properties', json_build_object(
              'key', f.key, 'code', f.code, 'name', f.name,
              'households', e.households, 'population', e.population,
              'workers', (SELECT count(*)::int FROM grid_worker_assignment a WHERE a.grid_code = f.code),
              'incidents', coalesce(c.n, 0),
              'area_km2', round((ST_Area(f.boundary::geography) / 1e6)::numeric, 4))
          ) ORDER BY f.key), '[]'::json)
       )::text AS body
  FROM f
  JOIN grid_plan_estimate($1, $2) e ON e.key = f.key
  LEFT JOIN counts c ON c.key = f.key;
