-- Incidents reported per day or week (China time, UTC+8, no daylight saving,
-- so a fixed offset is exact and needs no time zone database), and how many
-- of each bucket's incidents are closed now: the same population as the KPIs,
-- so the series adds up to them. Every bucket of the window is listed, empty
-- ones as zeros. Weeks start on Monday. Whole days come from the daily rollup
-- (migrations/020, which buckets days the same way), the partial days at the
-- window's edges from the incident rows, as in explore-counts.sql.
-- $1 place code or NULL; $2, $3 rollup days [first, end); $4-$5 and $6-$7
-- the edges' report times [from, to); $8 categories[], $9 urgencies[],
-- $10 statuses[], $11 'day' or 'week'.
-- $12 a handler's unit: only incidents dispatched to it (the same scope as their incident list), or NULL.
-- $13 from, $14 to (both required): the buckets listed.
WITH bounds AS (
  SELECT ($13::timestamptz AT TIME ZONE 'UTC' + interval '8 hours')::date AS first_day,
         (($14::timestamptz - interval '1 microsecond') AT TIME ZONE 'UTC' + interval '8 hours')::date AS last_day
),
buckets AS (
  SELECT s::date AS start
    FROM bounds,
         generate_series(CASE WHEN $11::text = 'week' THEN date_trunc('week', first_day)::date ELSE first_day END,
                         last_day,
                         CASE WHEN $11::text = 'week' THEN interval '7 days' ELSE interval '1 day' END) s
),
days AS (
  SELECT r.day, r.status, r.reported
    FROM incident_daily r
   WHERE r.depth = CASE WHEN $1::text IS NULL THEN 6 ELSE 15 END
     AND r.day >= $2::date AND r.day < $3::date
     AND ($1::text IS NULL OR (r.place_code >= $1 AND r.place_code < $1 || ':'))
     AND ($8::text[] IS NULL OR r.category_code = ANY($8))
     AND ($9::text[] IS NULL OR r.urgency = ANY($9))
     AND ($10::text[] IS NULL OR r.status = ANY($10))
  UNION ALL
  SELECT (i.reported_at AT TIME ZONE 'UTC' + interval '8 hours')::date, i.status, 1
    FROM incident i
   WHERE (i.reported_at >= $4::timestamptz AND i.reported_at < $5::timestamptz
       OR i.reported_at >= $6::timestamptz AND i.reported_at < $7::timestamptz)
     AND ($1::text IS NULL OR i.district_code = $1 OR i.street_code = $1 OR i.community_code = $1 OR i.grid_code = $1)
     AND ($12::text IS NULL OR EXISTS (SELECT 1 FROM incident_assignment a WHERE a.incident_id = i.id AND a.unit_code = $12))
     AND ($8::text[] IS NULL OR i.category_code = ANY($8))
     AND ($9::text[] IS NULL OR i.urgency = ANY($9))
     AND ($10::text[] IS NULL OR i.status = ANY($10))
),
counts AS (
  SELECT CASE WHEN $11::text = 'week' THEN date_trunc('week', d.day)::date ELSE d.day END AS start,
         sum(d.reported)::int AS reported,
         coalesce(sum(d.reported) FILTER (WHERE d.status = 'closed'), 0)::int AS closed
    FROM days d
   GROUP BY 1
)
SELECT to_char(b.start, 'YYYY-MM-DD') AS start, coalesce(c.reported, 0) AS reported, coalesce(c.closed, 0) AS closed
  FROM buckets b LEFT JOIN counts c ON c.start = b.start
 ORDER BY b.start;
