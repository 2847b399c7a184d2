-- Reshape: feature $4 takes the geometry $5 (GeoJSON) in revision $3,
-- snapped within $6 degrees to the community's and the other grids'
-- vertices, so that a corner dropped onto a neighbour's corner (or rounded
-- to 6 decimals on the way) lands on it exactly.
-- $1 plan id, $2 from revision, $3 to revision, $4 key, $5 geometry, $6 snap tolerance (degrees).
WITH old AS (
  SELECT key, code, name FROM grid_plan_feature WHERE plan_id = $1 AND revision = $2 AND key = $4
),
reference AS (
  SELECT ST_Collect(g) AS g FROM (
    SELECT ST_Boundary(r.boundary) AS g FROM grid_plan p JOIN region r ON r.code = p.community_code WHERE p.id = $1
    UNION ALL
    SELECT ST_Boundary(boundary) FROM grid_plan_feature WHERE plan_id = $1 AND revision = $3 AND key <> $4
  ) x
)
INSERT INTO grid_plan_feature (plan_id, revision, key, code, name, boundary)
SELECT $1, $3, old.key, old.code, old.name,
       ST_Snap(ST_SetSRID(ST_GeomFromGeoJSON($5), 4326), reference.g, $6::float8)
  FROM old, reference
RETURNING key;
