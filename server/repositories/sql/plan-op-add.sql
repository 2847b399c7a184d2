-- Add: a polygon drawn into a gap becomes new grid $5 in revision $3: what of
-- it lies inside the community and outside every other grid, so it fills the
-- gap exactly. Slivers under $6 m² (where the drawing runs along a
-- neighbour's edge) are dropped. Returns the new area in m² (none: nothing left).
-- $1 plan id, $2 revision the others come from, $3 to revision, $4 drawn GeoJSON, $5 new key, $6/$7 area (m²) and width (m) tolerances.
WITH drawn AS (
  SELECT ST_CollectionExtract(ST_Intersection(ST_MakeValid(ST_SetSRID(ST_GeomFromGeoJSON($4), 4326)), r.boundary, 1e-9), 3) AS g
    FROM grid_plan p JOIN region r ON r.code = p.community_code
   WHERE p.id = $1
),
others AS (
  SELECT ST_Union(ST_CollectionExtract(ST_MakeValid(boundary), 3), 1e-9) AS g FROM grid_plan_feature WHERE plan_id = $1 AND revision = $2
),
pieces AS (
  SELECT piece.geom
    FROM drawn, others
   CROSS JOIN LATERAL ST_Dump(ST_CollectionExtract(
          CASE WHEN others.g IS NULL THEN drawn.g ELSE ST_Difference(drawn.g, others.g, 1e-9) END, 3)) piece
   WHERE grid_plan_significant(piece.geom, $6::float8, $7::float8)
)
INSERT INTO grid_plan_feature (plan_id, revision, key, code, name, boundary)
SELECT $1, $3, $5, NULL, NULL, ST_UnaryUnion(ST_Collect(geom), 1e-9)
  FROM pieces
HAVING count(*) > 0
RETURNING grid_plan_area_m2(boundary) AS area_m2;
