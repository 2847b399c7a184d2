-- Region outlines of one level in tile coordinates, for a server without
-- ST_AsMVT; the same steps as tile-grids-geom.sql, the selection of tile-regions-mvt.sql.
-- $1 z, $2 x, $3 y, $4 scope code prefix or NULL, $5 extent, $6 buffer, $7 level.
WITH area AS (
  SELECT env, ST_Transform(env, 4326) AS lonlat,
         $5::float8 / (ST_XMax(env) - ST_XMin(env)) AS scale, ST_XMin(env) AS x0, ST_YMax(env) AS y0
    FROM (SELECT ST_TileEnvelope($1::int, $2::int, $3::int) AS env) t
), shapes AS (
  SELECT r.code::text AS code, r.name, r.name_en, r.population,
         ST_ForcePolygonCCW(ST_CollectionExtract(ST_MakeValid(ST_SnapToGrid(
           ST_Affine(ST_ClipByBox2D(ST_Transform(r.boundary, 3857), ST_Expand(a.env, $6::float8 / a.scale)::box2d),
                     a.scale, 0, 0, -a.scale, -a.x0 * a.scale, a.y0 * a.scale),
           1)), 3)) AS shape
    FROM region r, area a
   WHERE r.level = $7::text
     AND ST_Intersects(r.boundary, a.lonlat)
     AND ($4::text IS NULL OR r.code LIKE $4 || '%')
)
SELECT code, name, name_en, population, ST_AsGeoJSON(shape, 0) AS shape
  FROM shapes
 WHERE NOT ST_IsEmpty(shape) AND ST_Area(shape) > 0
 ORDER BY code;
