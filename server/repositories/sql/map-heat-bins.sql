-- Incident points aggregated into square cells of $8 degrees: one weighted
-- point per non-empty cell (at the cell's centre), so the answer's size
-- depends on the cells, not on the incidents. The work does not: every
-- incident in the window is read (an index range for a district or smaller,
-- a scan of the window's rows for the city), so it grows with the incidents
-- reported in the window (the daily rollup of migrations/020 has no
-- locations, so it cannot serve this). The heaviest cells are kept when there are more
-- than $9; the caller says so.
-- $1 region code or NULL, $2 from, $3 to, $4-$7 bbox or NULLs,
-- $8 cell size in degrees, $9 most cells to return + 1,
-- $10 categories[], $11 urgencies[], $12 statuses[] (NULL = any; the explorer's filters).
-- $13 a handler's unit: only incidents dispatched to it (the same scope as their incident list), or NULL.
WITH cells AS (
  SELECT floor(ST_X(i.location) / $8::float8)::int AS cx,
         floor(ST_Y(i.location) / $8::float8)::int AS cy,
         count(*)::int AS weight
    FROM incident i
   WHERE ($1::text IS NULL OR i.district_code = $1 OR i.street_code = $1 OR i.community_code = $1 OR i.grid_code = $1)
     AND ($13::text IS NULL OR EXISTS (SELECT 1 FROM incident_assignment a WHERE a.incident_id = i.id AND a.unit_code = $13))
     AND ($2::timestamptz IS NULL OR i.reported_at >= $2)
     AND ($3::timestamptz IS NULL OR i.reported_at < $3)
     AND ($4::float8 IS NULL OR i.location && ST_MakeEnvelope($4, $5, $6, $7, 4326))
     AND ($10::text[] IS NULL OR i.category_code = ANY($10))
     AND ($11::text[] IS NULL OR i.urgency = ANY($11))
     AND ($12::text[] IS NULL OR i.status = ANY($12))
   GROUP BY 1, 2
)
SELECT round(((cx + 0.5) * $8::float8)::numeric, 5)::float8 AS lon,
       round(((cy + 0.5) * $8::float8)::numeric, 5)::float8 AS lat,
       weight
  FROM cells
 ORDER BY weight DESC, cx, cy
 LIMIT $9;
