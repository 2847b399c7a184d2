-- Incidents reported per day or week (China time, UTC+8, no daylight saving,
-- so a fixed offset is exact and needs no time zone database), and how many
-- of each bucket's incidents are closed now: the same population as the KPIs,
-- so the series adds up to them. Every bucket of the window is listed, empty
-- ones as zeros. Weeks start on Monday.
-- $1 place code or NULL, $2 from, $3 to (both required), $4 categories[],
-- $5 urgencies[], $6 statuses[], $7 'day' or 'week'.
-- $8 a handler's unit: only incidents dispatched to it (the same scope as their incident list), or NULL.
WITH bounds AS (
  SELECT ($2::timestamptz AT TIME ZONE 'UTC' + interval '8 hours')::date AS first_day,
         (($3::timestamptz - interval '1 microsecond') AT TIME ZONE 'UTC' + interval '8 hours')::date AS last_day
),
buckets AS (
  SELECT s::date AS start
    FROM bounds,
         generate_series(CASE WHEN $7::text = 'week' THEN date_trunc('week', first_day)::date ELSE first_day END,
                         last_day,
                         CASE WHEN $7::text = 'week' THEN interval '7 days' ELSE interval '1 day' END) s
),
counts AS (
  SELECT CASE WHEN $7::text = 'week' THEN date_trunc('week', d.day)::date ELSE d.day END AS start,
         count(*)::int AS reported,
         count(*) FILTER (WHERE d.status = 'closed')::int AS closed
    FROM (SELECT (i.reported_at AT TIME ZONE 'UTC' + interval '8 hours')::date AS day, i.status
            FROM incident i
           WHERE ($1::text IS NULL OR i.district_code = $1 OR i.street_code = $1 OR i.community_code = $1 OR i.grid_code = $1)
             AND ($8::text IS NULL OR EXISTS (SELECT 1 FROM incident_assignment a WHERE a.incident_id = i.id AND a.unit_code = $8))
             AND i.reported_at >= $2 AND i.reported_at < $3
             AND ($4::text[] IS NULL OR i.category_code = ANY($4))
             AND ($5::text[] IS NULL OR i.urgency = ANY($5))
             AND ($6::text[] IS NULL OR i.status = ANY($6))) d
   GROUP BY 1
)
SELECT to_char(b.start, 'YYYY-MM-DD') AS start, coalesce(c.reported, 0) AS reported, coalesce(c.closed, 0) AS closed
  FROM buckets b LEFT JOIN counts c ON c.start = b.start
 ORDER BY b.start;
