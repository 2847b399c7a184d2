-- Which published grid's area went into which draft grid, and what share of
-- it: the raw material of lineage (server/plans/grid-lineage.ts). Rounding
-- slivers are not lineage.
-- $1 plan id, $2 revision, $3/$4 area (m²) and width (m) tolerances.
SELECT g.code AS old_code, f.key,
       ST_Area(ST_Intersection(g.boundary, f.boundary, 1e-9)) / ST_Area(g.boundary) AS share
  FROM grid_plan p
  JOIN grid g ON g.community_code = p.community_code
  JOIN grid_plan_feature f ON f.plan_id = p.id AND f.revision = $2 AND f.boundary && g.boundary
 WHERE p.id = $1 AND ST_Intersects(f.boundary, g.boundary)
   AND grid_plan_significant(ST_Intersection(g.boundary, f.boundary, 1e-9), $3::float8, $4::float8)
 ORDER BY g.code, f.key;
