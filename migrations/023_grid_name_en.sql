-- A grid's English name: its community's English name and its number within
-- the community, the last three digits of its code without leading zeros
-- (Lijiachong Community Grid 5). Grids have no name_en column of their own;
-- the explorer (explore-shapes, -children, -places, -search.sql) and
-- /api/grids (grid-features.sql) all name them through this one function.
-- NULL when the community has no English name (the browser then shows the
-- Chinese name).
--
-- A function of the community's name rather than of the grid code alone, so
-- that it reads no table and the planner inlines it into each query as the
-- plain expression (LANGUAGE sql, IMMUTABLE, not STRICT): the search names
-- every grid of the city, and a body that looked the community up would be
-- called once a grid. The explicit ::text matters: `text || int` is the
-- STABLE anytextcat, and an IMMUTABLE function over a STABLE body is never
-- inlined. int's text form does not depend on the locale, so PGlite and
-- PostgreSQL give the same bytes.
CREATE FUNCTION grid_name_en(community_name_en text, grid_code text) RETURNS text
  LANGUAGE sql IMMUTABLE PARALLEL SAFE
  AS $$ SELECT community_name_en || ' Grid ' || right(grid_code, 3)::int::text $$;
