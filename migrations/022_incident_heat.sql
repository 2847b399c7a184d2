-- The heatmap's rollup: incidents counted per China day × fixed square cell
-- × category × urgency × current status × place, so /api/map/heatmap reads
-- whole days from here and only the partial days at a window's edges from
-- incident itself (as the daily rollup of migrations/020, whose split it
-- shares: server/repositories/daily-rollup.ts).
--
-- Cells are power-of-two multiples of one base cell, so every zoom's heat
-- cell (heatCellDegrees in server/routes/map-routes.ts) is an exact union of
-- rollup cells: cell index = floor(degrees / size), and a coarser index is
-- floor(index / 2^k) of a finer one. The base is the zoom-13 heat cell,
-- 5.625° / 2^13 = 45/65536° (exact in binary, ~70 m here), the finest cell
-- the endpoint answers.
--
-- Two depths, by the length of place_code, as in incident_daily:
--   15 = a grid, at base cells: any region (a grid code begins with its
--        community's, street's and district's codes) at any zoom;
--   6  = its district, at 8 × base cells (the zoom-10 cell, 45/8192°,
--        ~550 m): the city or a district at zoom 10 or less, where a year
--        of city heat needs only ~km cells; many incidents share one row.
--
-- Only reported incidents' current status, category, urgency, grid and
-- location are counted, so a transition, re-categorisation, escalation,
-- move or grid re-assignment moves an incident between rows of its report day.
CREATE TABLE incident_heat (
  depth          smallint NOT NULL CHECK (depth IN (6, 15)),
  day            date NOT NULL,
  place_code     text COLLATE "C" NOT NULL CHECK (length(place_code) = depth),
  cx             integer NOT NULL,
  cy             integer NOT NULL,
  category_code  text COLLATE "C" NOT NULL,
  urgency        text NOT NULL,
  status         text NOT NULL,
  reported       integer NOT NULL,
  PRIMARY KEY (depth, day, place_code, cx, cy, category_code, urgency, status)
);
-- A place's own rows (a district's grids, a grid) without the rest of the city's.
CREATE INDEX incident_heat_place_idx ON incident_heat (place_code, day);

-- Cell size in degrees for a depth: the base cell for grid rows, 8 × it for district rows.
CREATE FUNCTION incident_heat_cell_degrees(depth integer) RETURNS float8 LANGUAGE sql IMMUTABLE AS $$
  SELECT CASE depth WHEN 15 THEN 0.0006866455078125::float8 ELSE 0.0054931640625::float8 END
$$;

-- One incident's contribution (sign +1 or -1) to its grid's and its district's row.
-- A row left at zero incidents is removed, so the table equals a fresh GROUP BY.
CREATE FUNCTION incident_heat_add(i incident, sign integer) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
  the_day date := (i.reported_at AT TIME ZONE 'UTC' + interval '8 hours')::date;
  code text;
  size float8;
  x integer;
  y integer;
BEGIN
  FOREACH code IN ARRAY ARRAY[i.grid_code, i.district_code] LOOP
    size := incident_heat_cell_degrees(length(code));
    x := floor(ST_X(i.location) / size)::int;
    y := floor(ST_Y(i.location) / size)::int;
    INSERT INTO incident_heat AS h (depth, day, place_code, cx, cy, category_code, urgency, status, reported)
    VALUES (length(code), the_day, code, x, y, i.category_code, i.urgency, i.status, sign)
    ON CONFLICT (depth, day, place_code, cx, cy, category_code, urgency, status) DO UPDATE
       SET reported = h.reported + EXCLUDED.reported;
    IF sign < 0 THEN
      DELETE FROM incident_heat
       WHERE depth = length(code) AND day = the_day AND place_code = code AND cx = x AND cy = y
         AND category_code = i.category_code AND urgency = i.urgency AND status = i.status AND reported = 0;
    END IF;
  END LOOP;
END;
$$;

-- In the same transaction as the incident write, as incident_daily_track.
CREATE FUNCTION incident_heat_track() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP IN ('UPDATE', 'DELETE') THEN
    PERFORM incident_heat_add(OLD, -1);
  END IF;
  IF TG_OP IN ('INSERT', 'UPDATE') THEN
    PERFORM incident_heat_add(NEW, 1);
  END IF;
  RETURN NULL;
END;
$$;

CREATE TRIGGER incident_heat_insert_delete_trg
  AFTER INSERT OR DELETE ON incident
  FOR EACH ROW EXECUTE FUNCTION incident_heat_track();
-- Only updates that change what the rollup counts (a location moved inside its grid included).
CREATE TRIGGER incident_heat_update_trg
  AFTER UPDATE ON incident
  FOR EACH ROW
  WHEN (OLD.reported_at IS DISTINCT FROM NEW.reported_at
     OR OLD.grid_code IS DISTINCT FROM NEW.grid_code
     OR NOT ST_OrderingEquals(OLD.location, NEW.location)
     OR OLD.category_code IS DISTINCT FROM NEW.category_code
     OR OLD.urgency IS DISTINCT FROM NEW.urgency
     OR OLD.status IS DISTINCT FROM NEW.status)
  EXECUTE FUNCTION incident_heat_track();

CREATE FUNCTION incident_heat_clear() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM incident_heat;
  RETURN NULL;
END;
$$;
CREATE TRIGGER incident_heat_truncate_trg
  AFTER TRUNCATE ON incident
  FOR EACH STATEMENT EXECUTE FUNCTION incident_heat_clear();

-- Recomputes the whole table from incident, as incident_daily_rebuild (same
-- locking, same callers: the backfill below, the demo seeder's load with
-- triggers off, `gridscope rollup --rebuild`). Returns the number of rows written.
CREATE FUNCTION incident_heat_rebuild() RETURNS integer LANGUAGE plpgsql AS $$
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
   GROUP BY 1, 2, 3, 4, 5, 6, 7, 8;
  GET DIAGNOSTICS written = ROW_COUNT;
  ANALYZE incident_heat;
  RETURN written;
END;
$$;

SET LOCAL statement_timeout = 0;
SELECT incident_heat_rebuild();
