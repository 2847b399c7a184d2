-- Every current grid's boundary, for simplifying shared edges once for the
-- whole city (server/repositories/shared-edge-grids.ts): whatever region or
-- page is asked for, a grid then has the same simplified shape and neighbours
-- on different pages still share their edges. Outer rings counter-clockwise;
-- 9 decimals, finer than any answer's.
SELECT code, ST_AsGeoJSON(ST_ForcePolygonCCW(ST_Multi(boundary)), 9) AS geometry
  FROM grid
 ORDER BY code;
