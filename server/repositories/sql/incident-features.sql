-- One page of incidents as GeoJSON, newest first, with keyset pagination on
-- (reported_at, id) so a page costs the same however deep it is.
-- $1 district/street/community/grid code or NULL (whole city), $2-$5 bbox or NULLs, $6 from, $7 to,
-- $8 categories[], $9 urgencies[], $10 statuses[] (NULL = any),
-- $11/$12 cursor (reported_at, id of the last row seen) or NULLs, $13 limit + 1,
-- $14 a handler's unit (only incidents dispatched to it) or NULL,
-- $15 a search as an ILIKE pattern (%text%, wildcards escaped) matched against the code, the
--     description and the grid code, or NULL; $16 the same search as plain text (for the index,
--     migrations/021); $17 the codes of the places and grids whose names match it (resolved first:
--     incident-search-places.sql). Each arm of the OR has its own index (a BitmapOr).
WITH page AS (
  SELECT i.id, i.code, i.category_code, i.urgency, i.status, i.description, i.location,
         i.reported_at, i.due_at, i.closed_at, i.grid_code, i.community_code, i.street_code, i.district_code
    FROM incident i
   WHERE ($1::text IS NULL OR i.district_code = $1 OR i.street_code = $1 OR i.community_code = $1 OR i.grid_code = $1)
     AND ($2::float8 IS NULL OR i.location && ST_MakeEnvelope($2, $3, $4, $5, 4326))
     AND ($6::timestamptz IS NULL OR i.reported_at >= $6)
     AND ($7::timestamptz IS NULL OR i.reported_at < $7)
     AND ($8::text[] IS NULL OR i.category_code = ANY($8))
     AND ($9::text[] IS NULL OR i.urgency = ANY($9))
     AND ($10::text[] IS NULL OR i.status = ANY($10))
     AND ($11::timestamptz IS NULL OR (i.reported_at, i.id) < ($11, $12::bigint))
     AND ($14::text IS NULL OR EXISTS (SELECT 1 FROM incident_assignment a WHERE a.incident_id = i.id AND a.unit_code = $14))
     -- (index OR places) AND (exact OR places), which is (index AND exact) OR places: the first
     -- conjunct is what the BitmapOr answers, so only the cheap second one is checked per row.
     AND ($15::text IS NULL
          OR search_grams(i.code || E'\x01' || i.grid_code || E'\x01' || i.description) @> search_query_grams($16::text)
          OR i.district_code = ANY($17::text[]) OR i.street_code = ANY($17::text[])
              OR i.community_code = ANY($17::text[]) OR i.grid_code = ANY($17::text[]))
     AND ($15::text IS NULL
          OR i.code ILIKE $15 OR i.description ILIKE $15 OR i.grid_code LIKE $15
          OR i.district_code = ANY($17::text[]) OR i.street_code = ANY($17::text[])
              OR i.community_code = ANY($17::text[]) OR i.grid_code = ANY($17::text[]))
   ORDER BY i.reported_at DESC, i.id DESC
   LIMIT $13
)
SELECT p.id, p.reported_at,
       json_build_object(
         'type', 'Feature',
         'id', p.code,
         'geometry', ST_AsGeoJSON(p.location, 6)::json,
         'properties', json_build_object(
           'code', p.code, 'category', p.category_code, 'urgency', p.urgency, 'status', p.status,
           'description', p.description, 'reported_at', p.reported_at, 'due_at', p.due_at, 'closed_at', p.closed_at,
           'urged_at', (SELECT max(h.at) FROM incident_history h WHERE h.incident_id = p.id AND h.action = 'urge'),
           'grid_code', p.grid_code, 'community_code', p.community_code,
           'street_code', p.street_code, 'district_code', p.district_code)
       )::text AS feature
  FROM page p
 ORDER BY p.reported_at DESC, p.id DESC;
