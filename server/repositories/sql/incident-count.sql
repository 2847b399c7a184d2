-- How many incidents match a list's filters (incident-features.sql without
-- the cursor): the numberMatched of its first page, carried in the cursor so
-- later pages do not count again. Same parameters as incident-features.sql
-- less the cursor and limit: $1 place, $2-$5 bbox, $6 from, $7 to,
-- $8 categories[], $9 urgencies[], $10 statuses[], $11 a handler's unit, $12 the search pattern,
-- $13 the search as text, $14 the codes of the places and grids whose names match it.
SELECT count(*)::int AS n
  FROM incident i
 WHERE ($1::text IS NULL OR i.district_code = $1 OR i.street_code = $1 OR i.community_code = $1 OR i.grid_code = $1)
   AND ($2::float8 IS NULL OR i.location && ST_MakeEnvelope($2, $3, $4, $5, 4326))
   AND ($6::timestamptz IS NULL OR i.reported_at >= $6)
   AND ($7::timestamptz IS NULL OR i.reported_at < $7)
   AND ($8::text[] IS NULL OR i.category_code = ANY($8))
   AND ($9::text[] IS NULL OR i.urgency = ANY($9))
   AND ($10::text[] IS NULL OR i.status = ANY($10))
   AND ($11::text IS NULL OR EXISTS (SELECT 1 FROM incident_assignment a WHERE a.incident_id = i.id AND a.unit_code = $11))
   -- (index OR places) AND (exact OR places), which is (index AND exact) OR places: the first
   -- conjunct is what the BitmapOr answers, so only the cheap second one is checked per row.
   AND ($12::text IS NULL
        OR search_grams(i.code || E'\x01' || i.grid_code || E'\x01' || i.description) @> search_query_grams($13::text)
        OR i.district_code = ANY($14::text[]) OR i.street_code = ANY($14::text[])
            OR i.community_code = ANY($14::text[]) OR i.grid_code = ANY($14::text[]))
   AND ($12::text IS NULL
        OR i.code ILIKE $12 OR i.description ILIKE $12 OR i.grid_code LIKE $12
        OR i.district_code = ANY($14::text[]) OR i.street_code = ANY($14::text[])
            OR i.community_code = ANY($14::text[]) OR i.grid_code = ANY($14::text[]));
