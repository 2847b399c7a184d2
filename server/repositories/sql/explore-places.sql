-- Regions and grids by code, with level and population: a place the explorer
-- shows and its ancestors for the breadcrumb, in one round trip.
-- A grid's English name is its community's and its number (Lijiachong Community Grid 5):
-- grid_name_en, migrations/023.
-- $1 codes[].
SELECT code, level, name, name_en, coalesce(population, 0)::int AS population FROM region WHERE code = ANY($1::text[])
UNION ALL
SELECT g.code, 'grid', g.name, (SELECT grid_name_en(c.name_en, g.code) FROM region c WHERE c.code = g.community_code), g.population FROM grid g WHERE g.code = ANY($1::text[])
ORDER BY code;
