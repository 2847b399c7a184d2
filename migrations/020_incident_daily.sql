-- The daily rollup behind the window figures (README, "KPIs"): counts of
-- incidents per place × China day × category × urgency × current status, so
-- a year of city figures reads a few thousand small rows instead of every
-- incident reported in the year. The readers (explore-counts.sql,
-- explore-series.sql, explore-categories.sql, map-grid-metrics.sql) take
-- whole China days from here and only the partial days at a window's edges
-- from incident itself; "now" figures keep reading the open incidents
-- (incident_open_now_idx, migrations/019).
--
-- Every window figure counts incidents REPORTED in the window, with their
-- status now: so every count is bucketed by the report day, and a close,
-- reopen or re-assignment moves the incident's contribution from one row to
-- another within its report day.
--
-- Two depths, by the length of place_code: 15 = a grid, 6 = its district.
-- City-wide figures read the district rows (districts × days × categories ×
-- urgencies × statuses, however many incidents); anything narrower, and the
-- per-grid map figures, read the grid rows.
--
-- The day is China time by the fixed offset UTC+8 (no daylight saving since
-- 1991), exactly as explore-series.sql buckets it, so the rollup's days and
-- the series' buckets agree to the microsecond.
--
-- Status is part of the key because the explorer filters by status now; the
-- deadline and time-to-close sums are only over closed incidents, as the
-- figures read them. close_seconds is numeric, so sums are exact and equal
-- those summed from the raw rows.
CREATE TABLE incident_daily (
  depth          smallint NOT NULL CHECK (depth IN (6, 15)),
  day            date NOT NULL,
  place_code     text COLLATE "C" NOT NULL CHECK (length(place_code) = depth),
  category_code  text COLLATE "C" NOT NULL,
  urgency        text NOT NULL,
  status         text NOT NULL,
  reported       integer NOT NULL,
  closed_with_deadline   integer NOT NULL,
  closed_within_deadline integer NOT NULL,
  close_seconds  numeric NOT NULL,
  PRIMARY KEY (depth, day, place_code, category_code, urgency, status)
);
-- A place's own rows (a district's grids, a grid) without the rest of the city's.
CREATE INDEX incident_daily_place_idx ON incident_daily (place_code, day);

-- One incident's contribution (sign +1 or -1) to its grid's and its district's row.
-- A row left at zero incidents is removed, so the table equals a fresh GROUP BY.
CREATE FUNCTION incident_daily_add(i incident, sign integer) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
  the_day date := (i.reported_at AT TIME ZONE 'UTC' + interval '8 hours')::date;
  is_closed boolean := i.status = 'closed';
  with_deadline integer := CASE WHEN is_closed AND i.due_at IS NOT NULL THEN sign ELSE 0 END;
  within_deadline integer := CASE WHEN is_closed AND i.due_at IS NOT NULL AND i.resolved_at <= i.due_at THEN sign ELSE 0 END;
  seconds numeric := CASE WHEN is_closed THEN sign * extract(epoch FROM i.closed_at - i.reported_at) ELSE 0 END;
  code text;
BEGIN
  FOREACH code IN ARRAY ARRAY[i.grid_code, i.district_code] LOOP
    INSERT INTO incident_daily AS d (depth, day, place_code, category_code, urgency, status,
                                     reported, closed_with_deadline, closed_within_deadline, close_seconds)
    VALUES (length(code), the_day, code, i.category_code, i.urgency, i.status, sign, with_deadline, within_deadline, seconds)
    ON CONFLICT (depth, day, place_code, category_code, urgency, status) DO UPDATE
       SET reported = d.reported + EXCLUDED.reported,
           closed_with_deadline = d.closed_with_deadline + EXCLUDED.closed_with_deadline,
           closed_within_deadline = d.closed_within_deadline + EXCLUDED.closed_within_deadline,
           close_seconds = d.close_seconds + EXCLUDED.close_seconds;
    IF sign < 0 THEN
      DELETE FROM incident_daily
       WHERE depth = length(code) AND day = the_day AND place_code = code AND category_code = i.category_code
         AND urgency = i.urgency AND status = i.status AND reported = 0;
    END IF;
  END LOOP;
END;
$$;

-- In the same transaction as the incident write: subtract the old row's
-- contribution, add the new one's. Covers reports, every transition (close,
-- reopen, escalation), publish re-assignment (the grid changes) and grid
-- renames (ON UPDATE CASCADE updates incident rows, which fires this).
CREATE FUNCTION incident_daily_track() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP IN ('UPDATE', 'DELETE') THEN
    PERFORM incident_daily_add(OLD, -1);
  END IF;
  IF TG_OP IN ('INSERT', 'UPDATE') THEN
    PERFORM incident_daily_add(NEW, 1);
  END IF;
  RETURN NULL;
END;
$$;

CREATE TRIGGER incident_daily_insert_delete_trg
  AFTER INSERT OR DELETE ON incident
  FOR EACH ROW EXECUTE FUNCTION incident_daily_track();
-- Only updates that change what the rollup counts: most (updated_at,
-- alert stamps, descriptions) do not.
CREATE TRIGGER incident_daily_update_trg
  AFTER UPDATE ON incident
  FOR EACH ROW
  WHEN (OLD.reported_at IS DISTINCT FROM NEW.reported_at
     OR OLD.grid_code IS DISTINCT FROM NEW.grid_code
     OR OLD.category_code IS DISTINCT FROM NEW.category_code
     OR OLD.urgency IS DISTINCT FROM NEW.urgency
     OR OLD.status IS DISTINCT FROM NEW.status
     OR OLD.due_at IS DISTINCT FROM NEW.due_at
     OR OLD.resolved_at IS DISTINCT FROM NEW.resolved_at
     OR OLD.closed_at IS DISTINCT FROM NEW.closed_at)
  EXECUTE FUNCTION incident_daily_track();

CREATE FUNCTION incident_daily_clear() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM incident_daily;
  RETURN NULL;
END;
$$;
CREATE TRIGGER incident_daily_truncate_trg
  AFTER TRUNCATE ON incident
  FOR EACH STATEMENT EXECUTE FUNCTION incident_daily_clear();

-- Recomputes the whole table from incident: the backfill below, loads that
-- ran with triggers off (the demo seeder), and `gridscope rollup --rebuild`.
-- Safe on a live database: the EXCLUSIVE lock lets readers through but holds
-- every incident write's trigger until the rebuild commits (writes wait for
-- it: seconds per million incidents); those writes are not in the rebuild's
-- snapshot, so their deltas apply on top of it, exactly.
-- Returns the number of rows written.
CREATE FUNCTION incident_daily_rebuild() RETURNS integer LANGUAGE plpgsql AS $$
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
   GROUP BY 1, 2, 3, 4, 5, 6;
  GET DIAGNOSTICS written = ROW_COUNT;
  -- Fresh statistics: the readers' plans depend on how many rows a window holds.
  ANALYZE incident_daily;
  RETURN written;
END;
$$;

-- The backfill reads every incident: not bounded by the pool's statement
-- timeout (a large history would fail the migration, and the server's start).
SET LOCAL statement_timeout = 0;
SELECT incident_daily_rebuild();
