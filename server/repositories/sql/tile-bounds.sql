-- The extent of the current grids a caller may read, for TileJSON `bounds`
-- (MapLibre asks for no tile outside it). Rounded outwards to 5 decimals.
-- $1 scope code (region or grid) or NULL for the city.
SELECT floor(ST_XMin(e) * 1e5) / 1e5 AS west, floor(ST_YMin(e) * 1e5) / 1e5 AS south,
       ceil(ST_XMax(e) * 1e5) / 1e5 AS east, ceil(ST_YMax(e) * 1e5) / 1e5 AS north
  FROM (SELECT ST_Extent(boundary) AS e FROM grid WHERE $1::text IS NULL OR code LIKE $1 || '%') s;
