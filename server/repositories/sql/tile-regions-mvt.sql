-- One tile of region outlines of one level (districts, streets or
-- communities), encoded by PostGIS; see tile-grids-mvt.sql. Scoped as
-- region reads are: the caller's region and what lies under it.
-- $1 z, $2 x, $3 y, $4 scope code prefix or NULL, $5 extent, $6 buffer, $7 level, $8 layer name.
-- Features in id order, as the server encodes the rows on PGlite: the same
-- data gives the same bytes whatever plan the query takes (an incident tile's
-- tag is a hash of its bytes, so an unordered tile changed tag for nothing).
WITH area AS (
  SELECT env, ST_Transform(env, 4326) AS lonlat FROM (SELECT ST_TileEnvelope($1::int, $2::int, $3::int) AS env) t
), features AS (
  SELECT r.code::bigint AS id, r.code::text AS code, r.name, r.name_en, r.population,
         ST_AsMVTGeom(ST_Transform(r.boundary, 3857), a.env, $5::int, $6::int, true) AS geom
    FROM region r, area a
   WHERE r.level = $7::text
     AND ST_Intersects(r.boundary, a.lonlat)
     AND ($4::text IS NULL OR r.code LIKE $4 || '%')
)
SELECT coalesce(ST_AsMVT(features, $8::text, $5::int, 'geom', 'id' ORDER BY features.id), ''::bytea) AS tile, count(*)::int AS features
  FROM features
 WHERE geom IS NOT NULL;
