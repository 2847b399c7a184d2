-- Starts a new revision of a draft: copies every feature of revision $2 into
-- revision $3 except those in $4 (the ones the edit replaces).
-- $1 plan id, $2 from revision, $3 to revision, $4 keys left out.
INSERT INTO grid_plan_feature (plan_id, revision, key, code, name, households, population, boundary)
SELECT plan_id, $3, key, code, name, households, population, boundary
  FROM grid_plan_feature
 WHERE plan_id = $1 AND revision = $2 AND NOT (key = ANY ($4::int[]));
