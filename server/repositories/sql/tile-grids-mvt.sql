-- One grid tile encoded by PostGIS (PostgreSQL builds with protobuf-c): every
-- current grid whose boundary meets the tile, clipped to the tile plus a
-- buffer and snapped to the tile's integer grid by ST_AsMVTGeom. The feature
-- id is the grid code as a number (MapLibre's feature state needs a number;
-- codes have 15 digits, exact in a double); `code` repeats it as text for
-- promoteId where $7 says so (from GRID_CODE_ZOOM, tile-layers.ts: below it
-- the text codes were 40 % of a city's tile; ST_AsMVT leaves NULLs out).
-- tile-grids-geom.sql is the same selection for servers without ST_AsMVT
-- (PGlite), encoded in the server.
-- Features in id order, as the server encodes the rows on PGlite: the same
-- data gives the same bytes whatever plan the query takes (an incident tile's
-- tag is a hash of its bytes, so an unordered tile changed tag for nothing).
-- $1 z, $2 x, $3 y, $4 region code or NULL (the caller's scope), $5 extent, $6 buffer (tile units),
-- $7 whether features carry `code`.
WITH area AS (
  SELECT env, ST_Transform(env, 4326) AS lonlat FROM (SELECT ST_TileEnvelope($1::int, $2::int, $3::int) AS env) t
), features AS (
  SELECT g.code::bigint AS id, CASE WHEN $7::boolean THEN g.code::text END AS code, g.population,
         ST_AsMVTGeom(ST_Transform(g.boundary, 3857), a.env, $5::int, $6::int, true) AS geom
    FROM grid g, area a
   WHERE ST_Intersects(g.boundary, a.lonlat)
     AND ($4::text IS NULL OR g.district_code = $4 OR g.street_code = $4 OR g.community_code = $4 OR g.code = $4)
)
SELECT coalesce(ST_AsMVT(features, 'grids', $5::int, 'geom', 'id' ORDER BY features.id), ''::bytea) AS tile, count(*)::int AS features
  FROM features
 WHERE geom IS NOT NULL;
