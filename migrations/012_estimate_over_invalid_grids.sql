-- A draft grid stored invalid (a spike, a ring touching itself) made valid
-- can come back as a polygon plus a line; GEOS refuses to overlay such a
-- mixed collection ("Overlay input is mixed-dimension"), and PGlite even
-- loses that error and returns no row. Only the polygonal part has area.
CREATE OR REPLACE FUNCTION grid_plan_estimate(p_plan integer, p_revision integer)
RETURNS TABLE (key integer, households integer, population integer) LANGUAGE sql STABLE AS $$
  SELECT f.key,
         coalesce(f.households, round(sum(g.households * s.share))::integer, 0),
         coalesce(f.population, round(sum(g.population * s.share))::integer, 0)
    FROM grid_plan_feature f
    JOIN grid_plan p ON p.id = f.plan_id
    LEFT JOIN LATERAL (SELECT ST_CollectionExtract(ST_MakeValid(f.boundary), 3) AS fg) v ON true
    LEFT JOIN grid g ON g.community_code = p.community_code AND g.boundary && v.fg AND ST_Intersects(g.boundary, v.fg)
    LEFT JOIN LATERAL (SELECT ST_Area(ST_Intersection(g.boundary, v.fg, 1e-9)) / nullif(ST_Area(g.boundary), 0) AS share) s ON true
   WHERE f.plan_id = p_plan AND f.revision = p_revision
   GROUP BY f.key, f.households, f.population
$$;
