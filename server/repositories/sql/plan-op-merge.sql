-- Merge: the union of features $4 of revision $2 becomes one new grid $5 in
-- revision $3. Returns how many pieces the union has: more than one means the
-- grids are not adjacent, which the caller refuses.
-- $1 plan id, $2 from revision, $3 to revision, $4 keys, $5 new key.
INSERT INTO grid_plan_feature (plan_id, revision, key, code, name, boundary)
SELECT $1, $3, $5, NULL, NULL, ST_UnaryUnion(ST_Collect(f.boundary), 1e-9)
  FROM grid_plan_feature f
 WHERE f.plan_id = $1 AND f.revision = $2 AND f.key = ANY ($4::int[]) AND ST_IsValid(f.boundary)
HAVING count(*) = cardinality($4::int[])
RETURNING ST_NumGeometries(boundary) AS pieces;
