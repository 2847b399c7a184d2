-- Incident points aggregated into square cells of $9 degrees: one weighted
-- point per non-empty cell (at the cell's centre), so the answer's size
-- depends on the cells, not on the incidents. Whole China days come from
-- the heat rollup (migrations/022: counts per day × fixed cell × place ×
-- category × urgency × status), the partial days at the window's edges from
-- the incident rows (the split of server/repositories/daily-rollup.ts, as the
-- daily figures). Every heat cell is an exact union of rollup cells ($10 of
-- them a side), so the weights equal counting the incidents themselves. The
-- rows read grow with the days × occupied cells of the window, not with its
-- incidents: the city or a district at zoom 10 or less reads the district
-- rows of ~550 m cells ($8 = 6); anything finer or narrower the grid rows of
-- ~70 m cells ($8 = 15). That pays only where incidents share a day and a
-- cell; in a sparse city the rollup has as many rows as the incidents, so the
-- caller gives a split with no rollup days there (heat-rollup-density.sql)
-- and every incident of the window is read. A handler's unit scope has no rollup (the split
-- gives it no days) and reads its incidents, as before.
-- bbox keeps the whole cells that touch it (not only the incidents inside
-- it), so a cell at the screen's edge keeps its full weight.
-- The heaviest cells are kept when there are more than $15; the caller says so.
-- $1 region code or NULL; $2, $3 rollup days [first, end); $4-$5 and $6-$7
-- the edges' report times [from, to); $8 rollup depth (6 or 15);
-- $9 cell size in degrees; $10 cell size / the depth's rollup cell (a power of two);
-- $11-$14 bbox or NULLs; $15 most cells to return + 1;
-- $16 categories[], $17 urgencies[], $18 statuses[] (NULL = any; the explorer's filters).
-- $19 a handler's unit: only incidents dispatched to it (the same scope as their incident list), or NULL.
WITH counted AS (
  SELECT floor(h.cx / $10::float8)::int AS cx, floor(h.cy / $10::float8)::int AS cy, h.reported AS weight
    FROM incident_heat h
   WHERE h.depth = $8::smallint
     AND h.day >= $2::date AND h.day < $3::date
     AND ($1::text IS NULL OR (h.place_code >= $1 AND h.place_code < $1 || ':'))
     AND ($16::text[] IS NULL OR h.category_code = ANY($16))
     AND ($17::text[] IS NULL OR h.urgency = ANY($17))
     AND ($18::text[] IS NULL OR h.status = ANY($18))
  UNION ALL
  SELECT floor(ST_X(i.location) / $9::float8)::int, floor(ST_Y(i.location) / $9::float8)::int, 1
    FROM incident i
   WHERE (i.reported_at >= $4::timestamptz AND i.reported_at < $5::timestamptz
       OR i.reported_at >= $6::timestamptz AND i.reported_at < $7::timestamptz)
     AND ($1::text IS NULL OR i.district_code = $1 OR i.street_code = $1 OR i.community_code = $1 OR i.grid_code = $1)
     -- The cells touching the bbox, as a box the location index can use; the cell test below is the exact one.
     AND ($11::float8 IS NULL OR i.location && ST_MakeEnvelope(floor($11 / $9::float8) * $9, floor($12 / $9::float8) * $9,
                                                             (floor($13 / $9::float8) + 1) * $9, (floor($14 / $9::float8) + 1) * $9, 4326))
     AND ($19::text IS NULL OR EXISTS (SELECT 1 FROM incident_assignment a WHERE a.incident_id = i.id AND a.unit_code = $19))
     AND ($16::text[] IS NULL OR i.category_code = ANY($16))
     AND ($17::text[] IS NULL OR i.urgency = ANY($17))
     AND ($18::text[] IS NULL OR i.status = ANY($18))
), cells AS (
  SELECT cx, cy, sum(weight)::int AS weight
    FROM counted
   WHERE ($11::float8 IS NULL OR cx BETWEEN floor($11 / $9::float8) AND floor($13 / $9::float8)
                               AND cy BETWEEN floor($12 / $9::float8) AND floor($14 / $9::float8))
   GROUP BY 1, 2
)
SELECT round(((cx + 0.5) * $9::float8)::numeric, 5)::float8 AS lon,
       round(((cy + 0.5) * $9::float8)::numeric, 5)::float8 AS lat,
       weight
  FROM cells
 ORDER BY weight DESC, cx, cy
 LIMIT $15;
