-- One round of making every cut cell one piece: each detached piece of a
-- cell (every piece but the one holding its seed) goes to the sibling (same parent) whose
-- main piece it shares the longest border with. A piece only ever joins a
-- main piece it touches along a line, so every move merges two pieces into
-- one and rounds always end; a piece touching only other detached pieces
-- waits for the next round, and one touching no sibling (an island of the
-- parent itself) stays. Only parents holding a cell of several pieces are read.
-- Returns how many pieces moved.
WITH multi AS (
  SELECT DISTINCT parent_code FROM demo_cell WHERE ST_NumGeometries(boundary) > 1
),
piece AS (
  SELECT c.parent_code, c.seed_no, d.path[1] AS no, d.geom,
         -- The seed's piece is the cell's own (an anchored exclave keeps its cell there); else the largest.
         row_number() OVER (PARTITION BY c.parent_code, c.seed_no
                            ORDER BY ST_Intersects(d.geom, c.seed) DESC, ST_Area(d.geom) DESC, d.path[1]) = 1 AS main
    FROM demo_cell c JOIN multi USING (parent_code)
   CROSS JOIN LATERAL ST_Dump(c.boundary) d
),
choice AS (
  SELECT DISTINCT ON (s.parent_code, s.seed_no, s.no) s.parent_code, s.seed_no, s.no, m.seed_no AS to_seed
    FROM piece s
    JOIN piece m ON m.parent_code = s.parent_code AND m.main AND m.seed_no <> s.seed_no AND m.geom && s.geom
   CROSS JOIN LATERAL (SELECT ST_Length(ST_Intersection(ST_Boundary(s.geom), ST_Boundary(m.geom))) AS shared) l
   WHERE NOT s.main AND l.shared > 0
   ORDER BY s.parent_code, s.seed_no, s.no, l.shared DESC, m.seed_no
),
owner AS (
  -- Every piece of an affected cell, under the cell it belongs to after the move.
  SELECT p.parent_code, coalesce(c.to_seed, p.seed_no) AS seed_no, p.geom
    FROM piece p LEFT JOIN choice c USING (parent_code, seed_no, no)
   WHERE EXISTS (SELECT 1 FROM choice x WHERE x.parent_code = p.parent_code AND p.seed_no IN (x.seed_no, x.to_seed))
),
merged AS (
  SELECT parent_code, seed_no, ST_Multi(ST_CollectionExtract(ST_Union(geom), 3)) AS boundary FROM owner GROUP BY 1, 2
),
updated AS (
  UPDATE demo_cell c SET boundary = m.boundary FROM merged m
   WHERE c.parent_code = m.parent_code AND c.seed_no = m.seed_no
  RETURNING 1
)
SELECT (SELECT count(*)::int FROM choice) AS moved, (SELECT count(*)::int FROM updated) AS cells;
