-- Checks that districts ($1 codes, $2 GeoJSON geometries) form a partition:
-- every piece of overlap between two districts, and every hole inside their
-- union that no district has as a hole of its own (a gap), larger than $3 m².
-- Slivers below $3 come from boundaries digitised twice and are ignored.
-- The last row, kind 'checked', is always there: no rows at all means the
-- check did not run to the end (seen on PGlite for some geometry functions).
WITH d AS (
  SELECT f.code, ST_SetSRID(ST_GeomFromGeoJSON(f.geojson), 4326) AS g
    FROM unnest($1::text[], $2::text[]) AS f(code, geojson)
), overlap_piece AS (
  SELECT a.code AS a, b.code AS b,
         (ST_Dump(ST_CollectionExtract(ST_Intersection(a.g, b.g), 3))).geom AS piece
    FROM d a JOIN d b ON a.code < b.code AND ST_Intersects(a.g, b.g)
), union_hole AS (
  SELECT ring.geom AS hole
    FROM (SELECT (ST_Dump(ST_Union(g))).geom AS part FROM d) u
    CROSS JOIN LATERAL ST_DumpRings(u.part) AS ring
   WHERE ring.path[1] > 0
), own_holes AS (
  SELECT COALESCE(ST_Union(ring.geom), ST_SetSRID('POLYGON EMPTY'::geometry, 4326)) AS holes
    FROM (SELECT (ST_Dump(g)).geom AS part FROM d) p
    CROSS JOIN LATERAL ST_DumpRings(p.part) AS ring
   WHERE ring.path[1] > 0
), gap_piece AS (
  SELECT (ST_Dump(ST_CollectionExtract(ST_Difference(h.hole, o.holes), 3))).geom AS piece
    FROM union_hole h CROSS JOIN own_holes o
), problem AS (
  SELECT 'overlap' AS kind, a, b, piece FROM overlap_piece
  UNION ALL
  SELECT 'gap', NULL, NULL, piece FROM gap_piece
)
SELECT * FROM (
  SELECT kind, a, b, ST_Area(piece::geography) AS area_m2,
         ST_X(ST_PointOnSurface(piece)) AS x, ST_Y(ST_PointOnSurface(piece)) AS y
    FROM problem
   WHERE ST_Area(piece::geography) > $3
   ORDER BY area_m2 DESC
) found
UNION ALL
SELECT 'checked', NULL, NULL, 0, 0, 0
