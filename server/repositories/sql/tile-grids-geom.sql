-- The grids of one tile in tile coordinates, for a server without ST_AsMVT
-- (PGlite's PostGIS is built without protobuf-c): the same selection as
-- tile-grids-mvt.sql, and the same steps as ST_AsMVTGeom done by hand: to web
-- mercator, clipped to the tile plus a buffer, scaled to 0..extent with y
-- pointing down, snapped to whole units, made valid again, exterior rings
-- counter-clockwise in tile coordinates (positive area, as the MVT spec asks).
-- Shapes that collapse to nothing at this zoom are left out, as ST_AsMVTGeom does.
-- $1 z, $2 x, $3 y, $4 region code or NULL, $5 extent, $6 buffer (tile units); the code always
-- comes back (it is the feature id), the repository decides whether it is a property too.
WITH area AS (
  SELECT env, ST_Transform(env, 4326) AS lonlat,
         $5::float8 / (ST_XMax(env) - ST_XMin(env)) AS scale, ST_XMin(env) AS x0, ST_YMax(env) AS y0
    FROM (SELECT ST_TileEnvelope($1::int, $2::int, $3::int) AS env) t
), shapes AS (
  SELECT g.code::text AS code, g.population,
         ST_ForcePolygonCCW(ST_CollectionExtract(ST_MakeValid(ST_SnapToGrid(
           ST_Affine(ST_ClipByBox2D(ST_Transform(g.boundary, 3857), ST_Expand(a.env, $6::float8 / a.scale)::box2d),
                     a.scale, 0, 0, -a.scale, -a.x0 * a.scale, a.y0 * a.scale),
           1)), 3)) AS shape
    FROM grid g, area a
   WHERE ST_Intersects(g.boundary, a.lonlat)
     AND ($4::text IS NULL OR g.district_code = $4 OR g.street_code = $4 OR g.community_code = $4 OR g.code = $4)
)
SELECT code, population, ST_AsGeoJSON(shape, 0) AS shape
  FROM shapes
 WHERE NOT ST_IsEmpty(shape) AND ST_Area(shape) > 0
 ORDER BY code;
