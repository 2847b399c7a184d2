-- For each GeoJSON geometry, the community its interior lies in (a point on
-- its surface, after making it valid), the lowest code where two overlap;
-- null where none. Grid import: features that name no community.
-- $1 indexes (int[]), $2 the geometries as GeoJSON text, same order.
SELECT f.i::int,
       (SELECT r.code FROM region r
         WHERE r.level = 'community'
           AND ST_Intersects(r.boundary, ST_PointOnSurface(ST_MakeValid(ST_SetSRID(ST_GeomFromGeoJSON(f.g), 4326))))
         ORDER BY r.code LIMIT 1) AS code
  FROM unnest($1::int[], $2::text[]) AS f(i, g);
