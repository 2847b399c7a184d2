-- A new report. The trigger of migrations/003 assigns grid, community,
-- street and district from the location (or refuses it with GS422).
-- $1 category, $2 urgency, $3 description, $4 lon, $5 lat, $6 reported at,
-- $7 reporter name, $8 reporter user id, $9 reporter grid worker id.
INSERT INTO incident (code, category_code, urgency, description, location, reported_at, reporter, reporter_user_id, reporter_worker_id)
VALUES ('SJ' || to_char($6::timestamptz AT TIME ZONE 'UTC' + interval '8 hours', 'YYYYMMDD') || '9' || lpad(nextval('incident_code_seq')::text, 6, '0'),
        $1, $2, $3, ST_SetSRID(ST_MakePoint($4, $5), 4326), $6, $7, $8, $9)
RETURNING id, code, status, urgency, category_code, grid_code, district_code, street_code, reported_at,
          ST_X(location) AS lon, ST_Y(location) AS lat;
