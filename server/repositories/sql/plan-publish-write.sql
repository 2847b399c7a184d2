-- Writes a validated draft over the current grids of its community, in the
-- publishing transaction: kept codes take their new boundary (when changed),
-- name and figures; new grids are inserted under the codes given. Retiring
-- removed grids, lineage, workers and incidents follow in the repository.
-- $1 plan id, $2 revision, $3 keys, $4 codes (kept or newly assigned), $5 changed (NULL = new),
-- $6 households, $7 population, $8 names for new grids.
WITH d AS (
  SELECT f.key, f.boundary, f.name, x.code, x.changed, x.households, x.population, x.new_name
    FROM unnest($3::int[], $4::text[], $5::boolean[], $6::int[], $7::int[], $8::text[])
         AS x(key, code, changed, households, population, new_name)
    JOIN grid_plan_feature f ON f.plan_id = $1 AND f.revision = $2 AND f.key = x.key
),
kept AS (
  UPDATE grid_all g
     SET boundary = CASE WHEN d.changed THEN d.boundary ELSE g.boundary END,
         name = coalesce(d.name, g.name), households = d.households, population = d.population
    FROM d
   WHERE d.changed IS NOT NULL AND g.code = d.code
  RETURNING g.code
),
added AS (
  INSERT INTO grid_all (code, name, community_code, households, population, boundary)
  SELECT d.code, coalesce(d.name, d.new_name), left(d.code, 12), d.households, d.population, d.boundary
    FROM d WHERE d.changed IS NULL
  RETURNING code
)
SELECT (SELECT count(*)::int FROM kept) AS kept, (SELECT count(*)::int FROM added) AS added;
