-- The grid of a draft revision that a split line runs through most (the
-- longest stretch of the line inside it); none when the line crosses no grid.
-- $1 plan id, $2 revision, $3 the line as GeoJSON.
SELECT key
  FROM grid_plan_feature
 WHERE plan_id = $1 AND revision = $2 AND ST_IsValid(boundary)
   AND ST_Intersects(boundary, ST_SetSRID(ST_GeomFromGeoJSON($3), 4326))
 ORDER BY ST_Length(ST_Intersection(boundary, ST_SetSRID(ST_GeomFromGeoJSON($3), 4326))) DESC
 LIMIT 1;
