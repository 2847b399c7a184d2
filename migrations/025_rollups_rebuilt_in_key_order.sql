-- The rebuilt rollups lie in the order of their primary key: depth, then
-- day, then place. A live rollup is written day by day, so a window's rows sit
-- on neighbouring pages; a rebuild (the demo seeder's load, `gridscope rollup
-- --rebuild`, a bulk copy) wrote them in its GROUP BY's hash order instead,
-- spreading one year's ~100k grid rows over every page of the table. With a
-- century of history (bench:scale, BENCH_SHAPE=history: 14M rows) a year of
-- the city's grid figures then read 80k pages for 33k rows (lossy bitmap,
-- 0.5 s) where the same year of a table holding one year reads a few thousand.
-- Same rows, same locking, same callers; only the order they are written in.
-- Tables already built keep their order until the next rebuild.

CREATE OR REPLACE FUNCTION incident_daily_rebuild() RETURNS integer LANGUAGE plpgsql AS $$
DECLARE
  written integer;
BEGIN
  LOCK TABLE incident_daily IN EXCLUSIVE MODE;
  DELETE FROM incident_daily;
  INSERT INTO incident_daily (depth, day, place_code, category_code, urgency, status,
                              reported, closed_with_deadline, closed_within_deadline, close_seconds)
  SELECT length(p.code), d.day, p.code, d.category_code, d.urgency, d.status,
         sum(d.reported), sum(d.closed_with_deadline), sum(d.closed_within_deadline), sum(d.close_seconds)
    FROM (SELECT i.grid_code, i.district_code, (i.reported_at AT TIME ZONE 'UTC' + interval '8 hours')::date AS day,
                 i.category_code, i.urgency, i.status,
                 count(*)::int AS reported,
                 count(*) FILTER (WHERE i.status = 'closed' AND i.due_at IS NOT NULL)::int AS closed_with_deadline,
                 count(*) FILTER (WHERE i.status = 'closed' AND i.due_at IS NOT NULL AND i.resolved_at <= i.due_at)::int AS closed_within_deadline,
                 coalesce(sum(extract(epoch FROM i.closed_at - i.reported_at)) FILTER (WHERE i.status = 'closed'), 0) AS close_seconds
            FROM incident i
           GROUP BY 1, 2, 3, 4, 5, 6) d
   CROSS JOIN LATERAL (VALUES (d.grid_code), (d.district_code)) p(code)
   GROUP BY 1, 2, 3, 4, 5, 6
   ORDER BY 1, 2, 3, 4, 5, 6;
  GET DIAGNOSTICS written = ROW_COUNT;
  -- Fresh statistics: the readers' plans depend on how many rows a window holds.
  ANALYZE incident_daily;
  RETURN written;
END;
$$;

CREATE OR REPLACE FUNCTION incident_heat_rebuild() RETURNS integer LANGUAGE plpgsql AS $$
DECLARE
  written integer;
BEGIN
  LOCK TABLE incident_heat IN EXCLUSIVE MODE;
  DELETE FROM incident_heat;
  INSERT INTO incident_heat (depth, day, place_code, cx, cy, category_code, urgency, status, reported)
  SELECT length(p.code), (i.reported_at AT TIME ZONE 'UTC' + interval '8 hours')::date, p.code,
         floor(ST_X(i.location) / incident_heat_cell_degrees(length(p.code)))::int,
         floor(ST_Y(i.location) / incident_heat_cell_degrees(length(p.code)))::int,
         i.category_code, i.urgency, i.status, count(*)::int
    FROM incident i
   CROSS JOIN LATERAL (VALUES (i.grid_code), (i.district_code)) p(code)
   GROUP BY 1, 2, 3, 4, 5, 6, 7, 8
   ORDER BY 1, 2, 3, 4, 5, 6, 7, 8;
  GET DIAGNOSTICS written = ROW_COUNT;
  ANALYZE incident_heat;
  RETURN written;
END;
$$;
