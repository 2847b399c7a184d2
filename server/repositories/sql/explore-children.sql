-- The children of a place with their names and population: the regions one
-- level down, or the grids of a community (a grid has none). Listed even when
-- nothing was reported there, so a quiet street still shows on the map.
-- A grid's English name is its community's and its number (Lijiachong Community Grid 5):
-- grid_name_en, migrations/023.
-- $1 place code, $2 its level (city, district, street, community, grid).
SELECT code, name, name_en, coalesce(population, 0)::int AS population
  FROM region
 WHERE parent_code = $1 AND $2::text IN ('city', 'district', 'street')
UNION ALL
SELECT g.code, g.name, (SELECT grid_name_en(c.name_en, g.code) FROM region c WHERE c.code = g.community_code), g.population
  FROM grid g
 WHERE g.community_code = $1 AND $2::text = 'community'
 ORDER BY code;
