-- Every problem of one revision of a draft plan, as a GeoJSON FeatureCollection
-- (reason codes: server/contract/grid-plan-reasons.ts). PostGIS is the authority.
-- $1 plan id, $2 revision, $3/$4 household bounds of urban communities,
-- $5/$6 of rural ones (villages, 村) (NULL = unbounded), $7 area (m²) and $8 mean
-- width (m) tolerances: gap, overlap and outside pieces smaller or thinner are
-- rounding slivers, not problems (grid_plan_significant in migrations/009_grid_plans.sql).
-- Overlays run on a 1e-9° (0.1 mm) grid (GEOS snap-rounding): robust where
-- nearly collinear edges meet, where the floating-point overlay can fail
-- (PGlite even loses the error and returns no row).
-- Problems of grids the plan did not touch (household bounds, pieces) come
-- back apart, as warnings: they do not block the plan.
-- Each problem carries its reason code and the figures of its message as
-- `params` (households and bounds, pieces, community), so clients word it in
-- their own language; `message` stays, in English, for API readers.
WITH plan AS (
  SELECT p.id, r.code AS community, r.name, r.boundary,
         CASE WHEN r.name LIKE '%村' THEN $5::int ELSE $3::int END AS min_households,
         CASE WHEN r.name LIKE '%村' THEN $6::int ELSE $4::int END AS max_households
    FROM grid_plan p JOIN region r ON r.code = p.community_code
   WHERE p.id = $1
),
v AS (
  SELECT f.key, f.code, f.households, f.boundary AS g,
         NOT ST_IsEmpty(f.boundary) AND ST_IsValid(f.boundary) AS ok
    FROM grid_plan_feature f
   WHERE f.plan_id = $1 AND f.revision = $2
),
f AS (
  -- Untouched: a current grid of the community kept as it is (its code, the
  -- same shape up to rounding slivers, its own households). What is wrong
  -- with it was there before the plan: a warning, not a reason to refuse.
  SELECT v.*, v.ok AND EXISTS (
           SELECT 1 FROM grid g CROSS JOIN plan
            WHERE g.code = v.code AND g.community_code = plan.community
              AND (v.households IS NULL OR v.households = g.households)
              AND NOT coalesce(grid_plan_significant(
                    ST_CollectionExtract(ST_SymDifference(v.g, g.boundary, 1e-9), 3), $7::float8, $8::float8), false)
         ) AS untouched
    FROM v
),
problems AS (
  -- Valid and simple: GEOS says why not, and where.
  SELECT CASE WHEN d.reason ILIKE '%self-intersection%' THEN 'self_intersection' ELSE 'invalid_geometry' END AS reason,
         ARRAY[f.key] AS keys, ARRAY[f.code] AS codes, d.reason AS message, d.location AS geom,
         json_build_object('detail', d.reason) AS params
    FROM f CROSS JOIN LATERAL ST_IsValidDetail(f.g) d
   WHERE NOT ST_IsEmpty(f.g) AND NOT d.valid
  UNION ALL
  SELECT 'not_polygon', ARRAY[f.key], ARRAY[f.code], 'empty geometry', NULL, '{}'::json FROM f WHERE ST_IsEmpty(f.g)
  UNION ALL
  -- Contiguous: one piece.
  SELECT 'not_contiguous', ARRAY[f.key], ARRAY[f.code], ST_NumGeometries(f.g) || ' separate pieces', f.g,
         json_build_object('pieces', ST_NumGeometries(f.g))
    FROM f WHERE f.ok AND ST_NumGeometries(f.g) > 1
  UNION ALL
  -- Inside its community: each piece outside it.
  SELECT 'outside_community', ARRAY[f.key], ARRAY[f.code], 'lies outside community ' || plan.name, piece.geom,
         json_build_object('community', plan.community, 'community_name', plan.name)
    FROM f CROSS JOIN plan
    CROSS JOIN LATERAL ST_Dump(ST_CollectionExtract(ST_Difference(f.g, plan.boundary, 1e-9), 3)) piece
   WHERE f.ok AND NOT ST_CoveredBy(f.g, plan.boundary)
  UNION ALL
  -- No overlap between siblings: each overlapping piece of each pair.
  SELECT 'overlap', ARRAY[a.key, b.key], ARRAY[a.code, b.code], 'grids overlap', piece.geom, '{}'::json
    FROM f a JOIN f b ON a.key < b.key AND a.ok AND b.ok AND a.g && b.g AND ST_Intersects(a.g, b.g)
    CROSS JOIN LATERAL ST_Dump(ST_CollectionExtract(ST_Intersection(a.g, b.g, 1e-9), 3)) piece
  UNION ALL
  -- No gap: each piece of the community that no grid covers (invalid grids
  -- are made valid here, so their area is not also reported as a gap; only
  -- their polygonal part: GEOS refuses to overlay a spike's leftover line).
  SELECT 'gap', ARRAY[]::int[], ARRAY[]::text[], 'not covered by any grid', piece.geom, '{}'::json
    FROM plan
    CROSS JOIN LATERAL (SELECT ST_Union(ST_CollectionExtract(ST_MakeValid(f.g), 3), 1e-9) AS covered FROM f WHERE NOT ST_IsEmpty(f.g)) u
    CROSS JOIN LATERAL ST_Dump(ST_CollectionExtract(
      CASE WHEN u.covered IS NULL THEN plan.boundary ELSE ST_Difference(plan.boundary, u.covered, 1e-9) END, 3)) piece
  UNION ALL
  -- Households within the community's bounds (estimated by area unless surveyed).
  SELECT CASE WHEN e.households < plan.min_households THEN 'households_below_minimum' ELSE 'households_above_maximum' END,
         ARRAY[f.key], ARRAY[f.code],
         e.households || ' households; allowed ' || coalesce(plan.min_households::text, '') || '–' || coalesce(plan.max_households::text, ''),
         f.g,
         json_build_object('households', e.households, 'min_households', plan.min_households, 'max_households', plan.max_households)
    FROM f CROSS JOIN plan
    JOIN grid_plan_estimate($1, $2) e ON e.key = f.key
   WHERE e.households < plan.min_households OR e.households > plan.max_households
  UNION ALL
  -- A kept code must be a current grid of this community.
  SELECT 'unknown_code', ARRAY[f.key], ARRAY[f.code], 'code ' || f.code || ' is not a current grid of community ' || plan.name, f.g,
         json_build_object('code', f.code, 'community', plan.community, 'community_name', plan.name)
    FROM f CROSS JOIN plan
   WHERE f.code IS NOT NULL AND NOT EXISTS (SELECT 1 FROM grid g WHERE g.code = f.code AND g.community_code = plan.community)
),
sized AS (
  SELECT p.*, CASE WHEN GeometryType(p.geom) IN ('POLYGON', 'MULTIPOLYGON') THEN grid_plan_area_m2(p.geom) END AS area_m2,
         -- Household bounds and pieces of grids the plan left as they were: warnings.
         p.reason IN ('households_below_minimum', 'households_above_maximum', 'not_contiguous')
           AND coalesce((SELECT bool_and(f.untouched) FROM f WHERE f.key = ANY (p.keys)), false) AS preexisting
    FROM problems p
),
feature AS (
  SELECT s.preexisting, s.reason, s.keys, s.area_m2,
         json_build_object(
           'type', 'Feature',
           'geometry', CASE WHEN s.geom IS NULL THEN NULL ELSE ST_AsGeoJSON(ST_ForcePolygonCCW(s.geom), 6)::json END,
           'properties', json_build_object(
             'reason', s.reason, 'keys', to_json(s.keys), 'codes', to_json(s.codes), 'message', s.message,
             'params', s.params,
             'area_m2', round(s.area_m2::numeric, 1))) AS j
    FROM sized s
   WHERE s.reason NOT IN ('outside_community', 'overlap', 'gap') OR grid_plan_significant(s.geom, $7::float8, $8::float8)
)
SELECT json_build_object(
  'problems', json_build_object('type', 'FeatureCollection', 'features',
    coalesce(json_agg(j ORDER BY reason, keys, area_m2 DESC) FILTER (WHERE NOT preexisting), '[]'::json)),
  'warnings', json_build_object('type', 'FeatureCollection', 'features',
    coalesce(json_agg(j ORDER BY reason, keys, area_m2 DESC) FILTER (WHERE preexisting), '[]'::json))
)::text AS body
  FROM feature;
