-- What if the draft were published: per draft grid, households and
-- population (estimated by area unless surveyed) against the grid it
-- continues, and the incidents reported in [$3, $4) in the community
-- re-assigned to the draft grids (the lowest key wins on a shared edge, as
-- the lowest code does for reports) against those the published grid holds.
-- Published grids the draft removes are listed with what they held.
-- $1 plan id, $2 revision, $3 from, $4 to.
WITH plan AS (SELECT community_code FROM grid_plan WHERE id = $1),
f AS (
  SELECT key, code, name, ST_MakeValid(boundary) AS g FROM grid_plan_feature WHERE plan_id = $1 AND revision = $2
),
inc AS (
  SELECT i.id, i.grid_code, i.location
    FROM incident i, plan
   WHERE i.community_code = plan.community_code AND i.reported_at >= $3 AND i.reported_at < $4
),
assigned AS (
  SELECT DISTINCT ON (inc.id) inc.id, f.key
    FROM inc JOIN f ON f.g && inc.location AND ST_Intersects(f.g, inc.location)
   ORDER BY inc.id, f.key
),
draft_counts AS (SELECT key, count(*)::int AS n FROM assigned GROUP BY key),
published_counts AS (SELECT grid_code, count(*)::int AS n FROM inc GROUP BY grid_code),
published AS (SELECT g.code, g.name, g.households, g.population FROM grid g, plan WHERE g.community_code = plan.community_code)
SELECT json_build_object(
  'incidents_total', (SELECT count(*)::int FROM inc),
  'incidents_unassigned', (SELECT count(*)::int FROM inc) - (SELECT count(*)::int FROM assigned),
  'grids', coalesce((
    SELECT json_agg(json_build_object(
             'key', f.key, 'code', f.code, 'name', coalesce(f.name, p.name),
             'households', e.households, 'population', e.population,
             'households_published', p.households, 'population_published', p.population,
             'incidents', coalesce(dc.n, 0), 'incidents_published', pc.n,
             'workers', (SELECT count(*)::int FROM grid_worker_assignment a WHERE a.grid_code = f.code)
           ) ORDER BY f.key)
      FROM f
      JOIN grid_plan_estimate($1, $2) e ON e.key = f.key
      LEFT JOIN published p ON p.code = f.code
      LEFT JOIN draft_counts dc ON dc.key = f.key
      LEFT JOIN published_counts pc ON pc.grid_code = f.code), '[]'::json),
  'removed', coalesce((
    SELECT json_agg(json_build_object(
             'code', p.code, 'name', p.name, 'households', p.households, 'population', p.population,
             'incidents_published', coalesce(pc.n, 0),
             'workers', (SELECT count(*)::int FROM grid_worker_assignment a WHERE a.grid_code = p.code)
           ) ORDER BY p.code)
      FROM published p LEFT JOIN published_counts pc ON pc.grid_code = p.code
     WHERE NOT EXISTS (SELECT 1 FROM f WHERE f.code = p.code)), '[]'::json)
)::text AS body;
