-- Incidents (事件) reported from the field.
--
-- The grid, community, street and district are never taken from the client:
-- a trigger derives them from the location, so they cannot disagree with the
-- map. The status column already carries the full lifecycle vocabulary that
-- the workflow issue builds on.

CREATE TABLE incident_category (
  code           text COLLATE "C" PRIMARY KEY CHECK (code ~ '^[a-z][a-z_]*$'),
  name_zh        text NOT NULL,
  name_en        text NOT NULL,
  -- Which kind of unit normally handles it, and how long it may take
  -- in working hours once dispatched.
  unit_type      text NOT NULL,
  deadline_hours integer NOT NULL CHECK (deadline_hours > 0),
  sort_order     integer NOT NULL DEFAULT 0
);

CREATE TABLE incident (
  id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  code           text COLLATE "C" NOT NULL UNIQUE CHECK (code ~ '^SJ[0-9]{8}[0-9]{6,}$'),
  category_code  text COLLATE "C" NOT NULL REFERENCES incident_category (code),
  urgency        text NOT NULL CHECK (urgency IN ('red', 'yellow', 'blue')),
  status         text NOT NULL DEFAULT 'reported' CHECK (status IN (
                   'reported', 'filed', 'rejected', 'duplicate',
                   'dispatched', 'in_progress', 'resolved', 'closed')),
  description    text NOT NULL DEFAULT '',
  location       geometry(Point, 4326) NOT NULL CHECK (ST_IsValid(location) AND NOT ST_IsEmpty(location)),
  reported_at    timestamptz NOT NULL,
  reporter       text NOT NULL,
  reporter_worker_id integer REFERENCES grid_worker (id) ON DELETE SET NULL,
  closed_at      timestamptz,
  updated_at     timestamptz NOT NULL DEFAULT now(),
  grid_code      text COLLATE "C" NOT NULL REFERENCES grid (code) ON UPDATE CASCADE,
  community_code text COLLATE "C" NOT NULL REFERENCES region (code),
  street_code    text COLLATE "C" NOT NULL REFERENCES region (code),
  district_code  text COLLATE "C" NOT NULL REFERENCES region (code),
  CONSTRAINT incident_ancestry_matches_grid CHECK (
        community_code = left(grid_code, 12)
    AND street_code = left(grid_code, 9)
    AND district_code = left(grid_code, 6)),
  CONSTRAINT incident_closed_at_iff_closed CHECK ((status = 'closed') = (closed_at IS NOT NULL)),
  CONSTRAINT incident_closed_after_reported CHECK (closed_at IS NULL OR closed_at >= reported_at)
);

-- Every filter of the read API and the stats has an index behind it.
CREATE INDEX incident_location_gix ON incident USING gist (location);
CREATE INDEX incident_reported_at_idx ON incident (reported_at);
CREATE INDEX incident_district_time_idx ON incident (district_code, reported_at);
CREATE INDEX incident_street_time_idx ON incident (street_code, reported_at);
CREATE INDEX incident_community_time_idx ON incident (community_code, reported_at);
CREATE INDEX incident_grid_time_idx ON incident (grid_code, reported_at);
CREATE INDEX incident_open_idx ON incident (district_code, urgency)
  WHERE status NOT IN ('closed', 'rejected', 'duplicate');

-- Assigns the grid and its ancestry from the location. A point on a shared
-- edge touches two grids; the lowest code wins so the choice is deterministic.
-- A point outside every grid is refused with a dedicated SQLSTATE that the API
-- turns into 422.
CREATE FUNCTION incident_assign_grid() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  found_code text;
BEGIN
  SELECT g.code INTO found_code
    FROM grid g
   WHERE ST_Intersects(g.boundary, NEW.location)
   ORDER BY g.code
   LIMIT 1;
  IF found_code IS NULL THEN
    RAISE EXCEPTION 'location POINT(% %) is outside the service area',
      ST_X(NEW.location), ST_Y(NEW.location)
      USING ERRCODE = 'GS422', HINT = 'outside_service_area';
  END IF;
  NEW.grid_code      := found_code;
  NEW.community_code := left(found_code, 12);
  NEW.street_code    := left(found_code, 9);
  NEW.district_code  := left(found_code, 6);
  RETURN NEW;
END;
$$;

CREATE TRIGGER incident_assign_grid_trg
  BEFORE INSERT OR UPDATE OF location ON incident
  FOR EACH ROW EXECUTE FUNCTION incident_assign_grid();
