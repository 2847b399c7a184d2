-- How many current grids a region has, and their extent: the wall asks this
-- (GET /api/map/grids?tiles=auto) to choose between the region's GeoJSON and
-- vector tiles, and fits the map to the extent. The same selection as
-- map-grids.sql and tile-grids-*.sql. No grids: 0 and null bounds.
-- $1 region code or NULL (the whole city).
SELECT count(*)::int AS grids,
       ST_XMin(ST_Extent(g.boundary)) AS west, ST_YMin(ST_Extent(g.boundary)) AS south,
       ST_XMax(ST_Extent(g.boundary)) AS east, ST_YMax(ST_Extent(g.boundary)) AS north
  FROM grid g
 WHERE $1::text IS NULL OR g.district_code = $1 OR g.street_code = $1 OR g.community_code = $1 OR g.code = $1;
