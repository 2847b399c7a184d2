-- Whether each GeoJSON polygon is valid in GEOS's sense, and if not why and
-- where (reason text → our words in server/plans/geometry-validity.ts). The
-- shapes were checked before (closed rings, positions in range, sizes), so
-- parsing cannot fail, and nothing here computes an overlay that could throw.
-- $1 GeoJSON Polygons or MultiPolygons; rows in the same order, i from 1.
SELECT u.i::int AS i, d.valid, d.reason, ST_X(d.location) AS x, ST_Y(d.location) AS y
  FROM unnest($1::text[]) WITH ORDINALITY AS u(g, i)
 CROSS JOIN LATERAL ST_IsValidDetail(ST_SetSRID(ST_GeomFromGeoJSON(u.g), 4326)) d
 ORDER BY u.i
