-- Split: cuts feature $4 of revision $2 along the line $5 (GeoJSON LineString)
-- into revision $3, the pieces as new grids keyed from $6. A line that does
-- not cross the grid from edge to edge leaves one piece; the caller refuses
-- that. Returns the new keys.
-- $1 plan id, $2 from revision, $3 to revision, $4 key, $5 line, $6 first new key.
INSERT INTO grid_plan_feature (plan_id, revision, key, code, name, boundary)
SELECT $1, $3, $6 + piece.path[1] - 1, NULL, NULL, piece.geom
  FROM grid_plan_feature f
 CROSS JOIN LATERAL ST_Dump(ST_CollectionExtract(
         ST_Split(f.boundary, ST_SetSRID(ST_GeomFromGeoJSON($5), 4326)), 3)) piece
 WHERE f.plan_id = $1 AND f.revision = $2 AND f.key = $4 AND ST_IsValid(f.boundary)
RETURNING key;
