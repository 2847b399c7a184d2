-- Every grid of a draft revision but one, at full precision, for moving the
-- vertices they share with it. $1 plan id, $2 revision, $3 the key left out.
SELECT key, ST_AsGeoJSON(boundary, 15) AS geojson
  FROM grid_plan_feature
 WHERE plan_id = $1 AND revision = $2 AND key <> $3;
