-- Possible duplicates of a new report: the same category within 50 m and
-- 24 hours, nearest first. The bbox test (&&, about 0.001 degrees ≈ 100 m)
-- uses the spatial index; the geography distance then gives true metres.
-- $1 incident id, $2 category, $3 lon, $4 lat, $5 reported at, $6 metres, $7 hours,
-- $8 region scope (grid code prefix; null: no limit, as for a new report's own check).
SELECT o.code, o.status, o.reported_at, o.description, ST_X(o.location) AS lon, ST_Y(o.location) AS lat,
       round(ST_Distance(o.location::geography, ST_SetSRID(ST_MakePoint($3, $4), 4326)::geography)::numeric, 1)::float8 AS distance_m
  FROM incident o
 WHERE o.id <> $1
   AND o.category_code = $2
   AND o.status <> 'duplicate'
   AND ($8::text IS NULL OR o.grid_code LIKE $8 || '%')
   AND o.reported_at BETWEEN $5::timestamptz - make_interval(hours => $7::int) AND $5::timestamptz
   AND o.location && ST_Expand(ST_SetSRID(ST_MakePoint($3, $4), 4326), 0.002)
   AND ST_DWithin(o.location::geography, ST_SetSRID(ST_MakePoint($3, $4), 4326)::geography, $6)
 ORDER BY distance_m, o.reported_at DESC
 LIMIT 20;
