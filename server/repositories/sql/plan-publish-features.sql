-- What publishing revision $2 of plan $1 would write, per draft grid: its
-- estimated households and population, and whether its boundary differs from
-- the published grid of its code by more than a rounding sliver (NULL for a new grid).
-- $1 plan id, $2 revision, $3/$4 area (m²) and width (m) tolerances.
SELECT f.key, f.code, f.name, e.households, e.population,
       CASE WHEN g.code IS NULL THEN NULL
            ELSE grid_plan_significant(ST_SymDifference(f.boundary, g.boundary, 1e-9), $3::float8, $4::float8) END AS changed,
       ST_X(ST_PointOnSurface(f.boundary)) AS x, ST_Y(ST_PointOnSurface(f.boundary)) AS y
  FROM grid_plan_feature f
  JOIN grid_plan_estimate($1, $2) e ON e.key = f.key
  LEFT JOIN grid g ON g.code = f.code
 WHERE f.plan_id = $1 AND f.revision = $2
 ORDER BY f.key;
