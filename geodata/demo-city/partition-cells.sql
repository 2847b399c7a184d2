-- Cuts every parent polygon into Voronoi cells around its seed points, so the
-- children partition the parent exactly: the cells tile the plane, and each
-- is clipped to the parent. One statement does a whole level.
--
-- $1 parent code per candidate, $2 lon, $3 lat (candidates in draw order),
-- $4 parent codes, $5 how many children each parent wants, $6 which pieces
-- of a parent in several pieces get a seed of their own (an anchor): those of
-- at least $6 times an average child's area (0: every piece), largest first,
-- at most k. Without one, a detached piece (an exclave) could only be a second
-- piece of a cell on the mainland (see merge-slivers.sql). Slivers that touch
-- a neighbour were given to it before cutting (give-slivers.sql); what is left
-- detached touches nothing, so an anchor is its only way to be one piece.
-- Candidates outside their parent are dropped; anchors, then the first inside, are seeds.
INSERT INTO demo_cell (parent_code, seed_no, boundary, seed)
WITH wanted AS (
  SELECT w.parent_code, w.k FROM unnest($4::text[], $5::int[]) AS w(parent_code, k)
),
anchor AS (
  SELECT a.parent_code, -a.rank AS ord, a.pt FROM (
    SELECT p.code AS parent_code, w.k, ST_PointOnSurface(d.geom) AS pt,
           row_number() OVER (PARTITION BY p.code ORDER BY ST_Area(d.geom) DESC) AS rank,
           ST_Area(d.geom) >= $6::float8 * ST_Area(p.boundary) / w.k AS big_enough
      FROM demo_parent p JOIN wanted w ON w.parent_code = p.code
     CROSS JOIN LATERAL ST_Dump(p.boundary) d
     WHERE ST_NumGeometries(p.boundary) > 1) a
   WHERE a.big_enough AND a.rank <= a.k
),
candidate AS (
  SELECT c.parent_code, c.ord, ST_SetSRID(ST_MakePoint(c.lon, c.lat), 4326) AS pt
    FROM unnest($1::text[], $2::float8[], $3::float8[]) WITH ORDINALITY AS c(parent_code, lon, lat, ord)
  UNION ALL
  SELECT parent_code, ord, pt FROM anchor
),
inside AS (
  SELECT c.parent_code, c.pt, row_number() OVER (PARTITION BY c.parent_code ORDER BY c.ord) AS seed_no
    FROM candidate c
    JOIN demo_parent p ON p.code = c.parent_code AND ST_Contains(p.boundary, c.pt)
),
seed AS (
  SELECT i.* FROM inside i JOIN wanted w USING (parent_code) WHERE i.seed_no <= w.k
),
diagram AS (
  -- A single seed has no Voronoi diagram: its cell is the whole parent.
  SELECT s.parent_code,
         CASE WHEN count(*) = 1 THEN ST_Expand(ST_Envelope(p.boundary), 0.01)
              ELSE ST_VoronoiPolygons(ST_Collect(s.pt), 0, ST_Expand(ST_Envelope(p.boundary), 0.01)) END AS cells
    FROM seed s JOIN demo_parent p ON p.code = s.parent_code
   GROUP BY s.parent_code, p.boundary
),
cell AS (
  SELECT d.parent_code, (ST_Dump(d.cells)).geom AS cell FROM diagram d
)
SELECT s.parent_code, s.seed_no,
       ST_Multi(ST_CollectionExtract(ST_Intersection(c.cell, p.boundary), 3)), s.pt
  FROM seed s
  JOIN cell c ON c.parent_code = s.parent_code AND ST_Intersects(c.cell, s.pt)
  JOIN demo_parent p ON p.code = s.parent_code;
