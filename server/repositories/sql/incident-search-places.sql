-- The codes of the districts, streets, communities and grids whose names
-- match a search ($1, an ILIKE pattern): read before the incident query so
-- that its place arm is a plain `code = ANY(...)` on the incident's btree
-- indexes, not a subquery per incident (which stops the planner combining
-- indexes). Regions and grids are a few thousand rows, not millions.
SELECT coalesce(array_agg(code), '{}') AS codes
  FROM (SELECT code FROM region WHERE name ILIKE $1 OR name_en ILIKE $1
        UNION ALL
        SELECT code FROM grid WHERE name ILIKE $1) c;
