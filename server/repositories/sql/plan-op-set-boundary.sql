-- Replaces one grid's boundary in a draft revision being written.
-- $1 plan id, $2 revision, $3 key, $4 the boundary as GeoJSON.
UPDATE grid_plan_feature SET boundary = ST_SetSRID(ST_GeomFromGeoJSON($4), 4326)
 WHERE plan_id = $1 AND revision = $2 AND key = $3;
