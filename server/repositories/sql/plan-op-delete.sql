-- Delete with absorption: feature $4's area is shared among the absorbing
-- neighbours $5 (each must share an edge with it), each taking the part
-- nearest to their common edge: points along each shared edge seed a
-- Voronoi diagram, whose cells go to the neighbour that seeded them.
-- The absorbers are rewritten in revision $3 (copied without them and $4).
-- Returns one row per absorber with its shared edge length (0 = not adjacent:
-- the caller refuses).
-- $1 plan id, $2 from revision, $3 to revision, $4 deleted key, $5 absorber keys.
WITH d AS (
  SELECT boundary AS g FROM grid_plan_feature WHERE plan_id = $1 AND revision = $2 AND key = $4 AND ST_IsValid(boundary)
),
a AS (
  SELECT f.key, f.code, f.name, f.households, f.population, f.boundary AS g,
         ST_CollectionExtract(ST_Intersection(ST_Boundary(d.g), ST_Boundary(f.boundary)), 2) AS shared
    FROM grid_plan_feature f, d
   WHERE f.plan_id = $1 AND f.revision = $2 AND f.key = ANY ($5::int[]) AND ST_IsValid(f.boundary)
),
seeds AS (
  -- About 200 seeds along the deleted grid's perimeter; one owner per point.
  SELECT DISTINCT ON (p.geom) a.key, p.geom
    FROM a, d
   CROSS JOIN LATERAL ST_DumpPoints(ST_Segmentize(a.shared, ST_Perimeter(d.g) / 200)) p
   WHERE ST_Length(a.shared) > 0
   ORDER BY p.geom, a.key
),
cells AS (
  SELECT c.geom
    FROM d CROSS JOIN LATERAL ST_Dump(ST_VoronoiPolygons(
           (SELECT ST_Collect(geom) FROM seeds), 0, ST_Expand(ST_Envelope(d.g), 0.01))) c
),
taken AS (
  SELECT s.key, ST_Intersection(ST_Union(c.geom, 1e-9), (SELECT g FROM d), 1e-9) AS g
    FROM cells c JOIN seeds s ON ST_Intersects(c.geom, s.geom)
   GROUP BY s.key
),
written AS (
  INSERT INTO grid_plan_feature (plan_id, revision, key, code, name, households, population, boundary)
  SELECT $1, $3, a.key, a.code, a.name, a.households, a.population,
         ST_UnaryUnion(ST_Collect(a.g, t.g), 1e-9)
    FROM a JOIN taken t ON t.key = a.key
  RETURNING key
)
SELECT a.key, ST_Length(a.shared::geography) AS shared_m, EXISTS (SELECT 1 FROM written w WHERE w.key = a.key) AS written
  FROM a ORDER BY a.key;
