-- Every current shape of one layer (grids, or regions of one level), for
-- simplifying shared edges once for the whole city
-- (server/repositories/shared-edge-shapes.ts): whatever region or page is
-- asked for, a shape then has the same simplified form and neighbours fetched
-- apart still share their edges. Outer rings counter-clockwise; 9 decimals,
-- finer than any answer's.
-- $1 'grid', 'district', 'street' or 'community'.
SELECT code, ST_AsGeoJSON(ST_ForcePolygonCCW(ST_Multi(boundary)), 9) AS geometry
  FROM grid
 WHERE $1::text = 'grid'
UNION ALL
SELECT code, ST_AsGeoJSON(ST_ForcePolygonCCW(ST_Multi(boundary)), 9)
  FROM region
 WHERE level = $1::text AND boundary IS NOT NULL
 ORDER BY code;
