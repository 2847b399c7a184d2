-- One row per imported feature ($1: GeoJSON geometries): why PostGIS rejects
-- it (null when valid) and, for an invalid one, its repair (ST_MakeValid, then
-- touching parts unioned into one) with the areas before and after in m².
SELECT f.i::int AS i, r.reason, ST_Area(x.g::geography) AS area_before,
       ST_Area(m.fixed::geography) AS area_after, ST_AsGeoJSON(m.fixed) AS fixed
  FROM unnest($1::text[]) WITH ORDINALITY AS f(geojson, i)
  CROSS JOIN LATERAL (SELECT ST_SetSRID(ST_GeomFromGeoJSON(f.geojson), 4326) AS g) x
  CROSS JOIN LATERAL (
    SELECT CASE WHEN x.g IS NULL THEN 'unreadable geometry'
                WHEN ST_IsEmpty(x.g) THEN 'empty geometry'
                WHEN NOT ST_IsValid(x.g) THEN ST_IsValidReason(x.g) END AS reason
  ) r
  CROSS JOIN LATERAL (
    SELECT CASE WHEN r.reason IS NOT NULL AND x.g IS NOT NULL AND NOT ST_IsEmpty(x.g)
                THEN ST_Multi(ST_UnaryUnion(ST_CollectionExtract(ST_MakeValid(x.g), 3))) END AS fixed
  ) m
 ORDER BY f.i
