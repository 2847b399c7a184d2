-- Gives every sliver piece of a district (a detached piece smaller than $1 m²,
-- never a district's largest) to the neighbouring district it shares the
-- longest border with. Boundary files carry such pieces as export artefacts
-- (a few hundred m² cut off by a border drawn twice); cut further, each would
-- become a grid of its own that no planner would accept. A sliver touching no
-- other district along a line (an island) stays, and becomes a grid of its own
-- (partition-cells.sql anchors every piece at grid level): a grid is one piece.
-- Only districts are read: streets, communities and grids are cut from them,
-- and every detached piece of those that touches a sibling is merged into it
-- (merge-slivers.sql), so a detached piece below district level is always a
-- whole piece of its district. Returns how many pieces moved.
WITH piece AS (
  SELECT r.code, d.path[1] AS no, d.geom, ST_Area(d.geom::geography) AS m2,
         row_number() OVER (PARTITION BY r.code ORDER BY ST_Area(d.geom) DESC, d.path[1]) AS rank
    FROM region r CROSS JOIN LATERAL ST_Dump(r.boundary) d
   WHERE r.level = 'district'
),
choice AS (
  SELECT DISTINCT ON (s.code, s.no) s.code, s.no, n.code AS to_code
    FROM piece s
    JOIN region n ON n.level = 'district' AND n.code <> s.code AND n.boundary && s.geom
   CROSS JOIN LATERAL (SELECT ST_Length(ST_Intersection(ST_Boundary(s.geom), ST_Boundary(n.boundary))) AS shared) l
   WHERE s.rank > 1 AND s.m2 < $1::float8 AND l.shared > 0
   ORDER BY s.code, s.no, l.shared DESC, n.code
),
owner AS (
  -- Every piece of a district that gives or receives, under the district holding it after the move.
  SELECT coalesce(c.to_code, p.code) AS code, p.geom
    FROM piece p LEFT JOIN choice c USING (code, no)
   WHERE EXISTS (SELECT 1 FROM choice x WHERE p.code IN (x.code, x.to_code))
),
merged AS (
  SELECT code, ST_Multi(ST_CollectionExtract(ST_Union(geom), 3)) AS boundary FROM owner GROUP BY code
),
updated AS (
  UPDATE region r SET boundary = m.boundary FROM merged m WHERE r.code = m.code RETURNING 1
)
SELECT (SELECT count(*)::int FROM choice) AS moved, (SELECT count(*)::int FROM updated) AS districts;
