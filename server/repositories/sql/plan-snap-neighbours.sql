-- After an edit, every other grid of the revision is snapped to the edited
-- grids' vertices within $4 degrees: a vertex a split or a drawn edge put on
-- a neighbour's edge is inserted into the neighbour too, so the edge they
-- share is the same line in both (and no sliver gap or overlap appears).
-- $1 plan id, $2 revision, $3 edited keys, $4 tolerance (degrees).
UPDATE grid_plan_feature n
   SET boundary = ST_Snap(n.boundary, e.g, $4::float8)
  FROM (SELECT ST_Collect(boundary) AS g FROM grid_plan_feature
         WHERE plan_id = $1 AND revision = $2 AND key = ANY ($3::int[]) AND ST_IsValid(boundary)) e
 WHERE n.plan_id = $1 AND n.revision = $2 AND NOT (n.key = ANY ($3::int[]))
   AND e.g IS NOT NULL AND ST_IsValid(n.boundary) AND ST_DWithin(n.boundary, e.g, $4::float8)
   AND NOT ST_OrderingEquals(ST_Snap(n.boundary, e.g, $4::float8), n.boundary);
