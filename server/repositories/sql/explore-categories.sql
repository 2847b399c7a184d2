-- Per category of a place, every category listed (zeros included), in the
-- catalogue's order: reported and closed over the filtered incidents
-- reported in the window (window figures: whole China days from the daily
-- rollup, migrations/020, the edges' partial days from the incident rows, as
-- in explore-counts.sql), open over every filtered incident open now,
-- whatever its report date ("now" figure, as in explore-counts.sql: the
-- rollup's rows of open statuses, migrations/024).
-- $1 place code or NULL; $2, $3 rollup days [first, end); $4-$5 and $6-$7
-- the edges' report times [from, to); $8 categories[], $9 urgencies[], $10 statuses[].
-- $11 a handler's unit: only incidents dispatched to it (the same scope as their incident list), or NULL.
WITH window_rows AS (
  SELECT r.category_code, r.status, r.reported
    FROM incident_daily r
   WHERE r.depth = CASE WHEN $1::text IS NULL THEN 6 ELSE 15 END
     AND r.day >= $2::date AND r.day < $3::date
     AND ($1::text IS NULL OR (r.place_code >= $1 AND r.place_code < $1 || ':'))
     AND ($9::text[] IS NULL OR r.urgency = ANY($9))
     AND ($10::text[] IS NULL OR r.status = ANY($10))
  UNION ALL
  SELECT i.category_code, i.status, 1
    FROM incident i
   WHERE (i.reported_at >= $4::timestamptz AND i.reported_at < $5::timestamptz
       OR i.reported_at >= $6::timestamptz AND i.reported_at < $7::timestamptz)
     AND ($1::text IS NULL OR i.district_code = $1 OR i.street_code = $1 OR i.community_code = $1 OR i.grid_code = $1)
     AND ($11::text IS NULL OR EXISTS (SELECT 1 FROM incident_assignment a WHERE a.incident_id = i.id AND a.unit_code = $11))
     AND ($9::text[] IS NULL OR i.urgency = ANY($9))
     AND ($10::text[] IS NULL OR i.status = ANY($10))
), windowed AS (
  SELECT category_code, sum(reported)::int AS reported, coalesce(sum(reported) FILTER (WHERE status = 'closed'), 0)::int AS closed
    FROM window_rows
   GROUP BY 1
), current AS (
  -- Open: the daily rollup's rows of open statuses, any day (migrations/024);
  -- a handler's unit scope, which the rollup does not know, from its incidents.
  SELECT category_code, sum(open)::int AS open
    FROM (SELECT r.category_code, r.reported AS open
            FROM incident_daily r
           WHERE $11::text IS NULL
             AND incident_is_open(r.status)
             AND r.depth = CASE WHEN $1::text IS NULL THEN 6 ELSE 15 END
             AND ($1::text IS NULL OR (r.place_code >= $1 AND r.place_code < $1 || ':'))
             AND ($9::text[] IS NULL OR r.urgency = ANY($9))
             AND ($10::text[] IS NULL OR r.status = ANY($10))
          UNION ALL
          SELECT i.category_code, 1
            FROM incident i
           WHERE $11::text IS NOT NULL
             AND incident_is_open(i.status)
             AND ($1::text IS NULL OR i.district_code = $1 OR i.street_code = $1 OR i.community_code = $1 OR i.grid_code = $1)
             AND EXISTS (SELECT 1 FROM incident_assignment a WHERE a.incident_id = i.id AND a.unit_code = $11)
             AND ($9::text[] IS NULL OR i.urgency = ANY($9))
             AND ($10::text[] IS NULL OR i.status = ANY($10))) o
   GROUP BY 1
)
SELECT c.code, c.name_zh, c.name_en,
       coalesce(w.reported, 0) AS reported,
       coalesce(w.closed, 0) AS closed,
       coalesce(o.open, 0) AS open
  FROM incident_category c
  LEFT JOIN windowed w ON w.category_code = c.code
  LEFT JOIN current o ON o.category_code = c.code
 WHERE $8::text[] IS NULL OR c.code = ANY($8)
 ORDER BY c.sort_order, c.code;
