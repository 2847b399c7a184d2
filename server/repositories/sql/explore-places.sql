-- Regions and grids by code, with level and population: a place the explorer
-- shows and its ancestors for the breadcrumb, in one round trip.
-- $1 codes[].
SELECT code, level, name, name_en, coalesce(population, 0)::int AS population FROM region WHERE code = ANY($1::text[])
UNION ALL
SELECT code, 'grid', name, NULL, population FROM grid WHERE code = ANY($1::text[])
ORDER BY code;
