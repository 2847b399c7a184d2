-- Boundary plans (网格调整方案), grid versions and lineage.
--
-- Grids are never deleted once incidents may point at them: a closed incident
-- keeps the grid it was reported in. So the grid table becomes `grid_all`,
-- which also holds retired grids (retired_at set), and `grid` becomes a view
-- of the current ones. Every existing read, the incident trigger and the demo
-- seed (INSERT through the auto-updatable view) keep working unchanged and
-- see only current grids; the foreign keys of incident and
-- grid_worker_assignment follow the renamed table, so a retired grid's code
-- stays valid for ever. A retired code is never reused.

ALTER TABLE grid RENAME TO grid_all;
ALTER TABLE grid_all ADD COLUMN retired_at timestamptz;
CREATE INDEX grid_all_current_community_idx ON grid_all (community_code) WHERE retired_at IS NULL;

CREATE VIEW grid AS
  SELECT code, name, community_code, street_code, district_code, households, population, boundary
    FROM grid_all
   WHERE retired_at IS NULL;

-- Optimistic concurrency per community: a plan records the version it was
-- based on; publishing bumps it with UPDATE ... WHERE version = based_on, so a
-- second publish on the same base updates no row and answers 409.
CREATE TABLE grid_community_version (
  community_code text COLLATE "C" PRIMARY KEY REFERENCES region (code),
  version        integer NOT NULL DEFAULT 0 CHECK (version >= 0),
  published_at   timestamptz,
  published_by   text
);

CREATE TABLE grid_plan (
  id             integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  name           text NOT NULL CHECK (length(btrim(name)) BETWEEN 1 AND 200),
  community_code text COLLATE "C" NOT NULL REFERENCES region (code),
  base_version   integer NOT NULL CHECK (base_version >= 0),
  status         text NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'published', 'abandoned')),
  -- Edits are revisions: `revision` is the one shown, `head_revision` the
  -- newest kept (undo moves down, redo up, a new edit drops what was above).
  revision       integer NOT NULL DEFAULT 0 CHECK (revision >= 0),
  head_revision  integer NOT NULL DEFAULT 0,
  created_by     text NOT NULL,
  created_by_user_id integer REFERENCES app_user (id),
  created_at     timestamptz NOT NULL DEFAULT now(),
  updated_at     timestamptz NOT NULL DEFAULT now(),
  published_at   timestamptz,
  CHECK (revision <= head_revision),
  CHECK ((status = 'published') = (published_at IS NOT NULL))
);
CREATE INDEX grid_plan_community_idx ON grid_plan (community_code, status);

-- The draft's polygons, per revision. `code` is the published grid a feature
-- continues (NULL = a new grid, numbered at publish). Geometry is stored as
-- drawn or imported, valid or not: problems are data, reported by validation
-- (server/repositories/sql/plan-validate.sql), and block publishing.
CREATE TABLE grid_plan_feature (
  plan_id  integer NOT NULL REFERENCES grid_plan (id) ON DELETE CASCADE,
  revision integer NOT NULL CHECK (revision >= 0),
  key      integer NOT NULL CHECK (key > 0),
  code     text COLLATE "C" CHECK (code ~ '^[0-9]{15}$'),
  name     text CHECK (name IS NULL OR length(btrim(name)) > 0),
  -- Households and population as surveyed (an import may bring them); NULL =
  -- estimated by area from the published grids (grid_plan_estimate below).
  households integer CHECK (households >= 0),
  population integer CHECK (population >= 0),
  boundary geometry(Geometry, 4326) NOT NULL,
  PRIMARY KEY (plan_id, revision, key),
  CONSTRAINT grid_plan_feature_polygonal CHECK (GeometryType(boundary) IN ('POLYGON', 'MULTIPOLYGON'))
);
CREATE UNIQUE INDEX grid_plan_feature_code_idx ON grid_plan_feature (plan_id, revision, code) WHERE code IS NOT NULL;

-- Every state a grid has been in. The open version (valid_to NULL) equals the
-- grid_all row; a trigger keeps it so, whoever writes the grid. A community's
-- first grids are valid since -infinity ("as long as we know").
CREATE TABLE grid_version (
  id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  code           text COLLATE "C" NOT NULL REFERENCES grid_all (code) ON UPDATE CASCADE,
  community_code text COLLATE "C" NOT NULL REFERENCES region (code),
  name           text NOT NULL,
  households     integer NOT NULL CHECK (households >= 0),
  population     integer NOT NULL CHECK (population >= 0),
  boundary       geometry(Geometry, 4326) NOT NULL,
  valid_from     timestamptz NOT NULL,
  valid_to       timestamptz,
  plan_id        integer REFERENCES grid_plan (id),
  CHECK (valid_to IS NULL OR valid_to > valid_from),
  CONSTRAINT grid_version_polygonal CHECK (GeometryType(boundary) IN ('POLYGON', 'MULTIPOLYGON') AND ST_IsValid(boundary))
);
CREATE UNIQUE INDEX grid_version_open_idx ON grid_version (code) WHERE valid_to IS NULL;
CREATE INDEX grid_version_community_idx ON grid_version (community_code, valid_from);
CREATE INDEX grid_version_boundary_gix ON grid_version USING gist (boundary);

-- Which old codes became which new codes, per publish.
CREATE TABLE grid_lineage (
  id       bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  plan_id  integer NOT NULL REFERENCES grid_plan (id),
  old_code text COLLATE "C" REFERENCES grid_all (code),
  new_code text COLLATE "C" REFERENCES grid_all (code),
  kind     text NOT NULL CHECK (kind IN ('split', 'merge', 'reshape', 'new', 'removed')),
  -- Share of the old grid's area that went to the new one (NULL for new/removed).
  share    numeric(7, 6) CHECK (share IS NULL OR share BETWEEN 0 AND 1),
  CHECK (old_code IS NOT NULL OR kind = 'new'),
  CHECK (new_code IS NOT NULL OR kind = 'removed')
);
CREATE INDEX grid_lineage_plan_idx ON grid_lineage (plan_id);
CREATE INDEX grid_lineage_old_idx ON grid_lineage (old_code);
CREATE INDEX grid_lineage_new_idx ON grid_lineage (new_code);

-- Keeps grid_version in step with grid_all. The publishing plan, if any, is
-- read from the transaction-local setting gridscope.plan_id.
CREATE FUNCTION grid_track_version() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  at   timestamptz := now();
  plan integer := nullif(current_setting('gridscope.plan_id', true), '')::integer;
BEGIN
  IF TG_OP = 'UPDATE' THEN
    IF NEW.retired_at IS NOT DISTINCT FROM OLD.retired_at AND NEW.name = OLD.name
       AND NEW.households = OLD.households AND NEW.population = OLD.population
       AND ST_OrderingEquals(NEW.boundary, OLD.boundary) THEN
      RETURN NEW;
    END IF;
    -- Changed twice in one transaction: the version opened by the first change is replaced.
    DELETE FROM grid_version WHERE code = OLD.code AND valid_to IS NULL AND valid_from = at;
    UPDATE grid_version SET valid_to = at WHERE code = OLD.code AND valid_to IS NULL;
    IF NEW.retired_at IS NOT NULL THEN
      RETURN NEW;
    END IF;
  ELSIF plan IS NULL AND NOT EXISTS (
          SELECT 1 FROM grid_version WHERE community_code = NEW.community_code AND valid_from > '-infinity') THEN
    -- Loaded outside any plan into a community no plan has changed: the first grids.
    at := '-infinity';
  END IF;
  INSERT INTO grid_version (code, community_code, name, households, population, boundary, valid_from, plan_id)
  VALUES (NEW.code, NEW.community_code, NEW.name, NEW.households, NEW.population, NEW.boundary, at, plan);
  RETURN NEW;
END;
$$;

CREATE TRIGGER grid_track_version_trg
  AFTER INSERT OR UPDATE ON grid_all
  FOR EACH ROW EXECUTE FUNCTION grid_track_version();

-- Grids already loaded before this migration start their history here.
INSERT INTO grid_version (code, community_code, name, households, population, boundary, valid_from)
SELECT code, community_code, name, households, population, boundary, '-infinity' FROM grid_all;

-- Households and population of a draft's grids, apportioned by area from the
-- current grids of the community: a grid cut in half gets half of each
-- (residents are assumed spread evenly within a grid; a surveyed figure, when
-- the feature has one, wins). Invalid drafts are made valid for the estimate
-- only; validation reports them anyway.
CREATE FUNCTION grid_plan_estimate(p_plan integer, p_revision integer)
RETURNS TABLE (key integer, households integer, population integer) LANGUAGE sql STABLE AS $$
  SELECT f.key,
         coalesce(f.households, round(sum(g.households * s.share))::integer, 0),
         coalesce(f.population, round(sum(g.population * s.share))::integer, 0)
    FROM grid_plan_feature f
    JOIN grid_plan p ON p.id = f.plan_id
    LEFT JOIN LATERAL (SELECT ST_MakeValid(f.boundary) AS fg) v ON true
    LEFT JOIN grid g ON g.community_code = p.community_code AND g.boundary && v.fg AND ST_Intersects(g.boundary, v.fg)
    LEFT JOIN LATERAL (SELECT ST_Area(ST_Intersection(g.boundary, v.fg, 1e-9)) / nullif(ST_Area(g.boundary), 0) AS share) s ON true
   WHERE f.plan_id = p_plan AND f.revision = p_revision
   GROUP BY f.key, f.households, f.population
$$;

-- Area in m² of a small lon/lat geometry measured in the plane it is drawn
-- in (local equirectangular scale). Gaps and overlaps are planar slivers
-- between planar edges; measured on the sphere (::geography) a sliver of
-- zero planar area along a kilometre-long edge still shows tens of m²,
-- because geodesic edges bow away from the straight ones.
CREATE FUNCTION grid_plan_area_m2(g geometry) RETURNS float8 LANGUAGE sql IMMUTABLE STRICT AS $$
  SELECT CASE WHEN ST_IsEmpty(g) THEN 0
              ELSE ST_Area(g) * 111319.49079327357 * 111319.49079327357 * cos(radians(ST_Y(ST_Centroid(g)))) END
$$;

-- Whether a piece of gap, overlap or difference is real or a rounding sliver:
-- real pieces have at least min_m2 of area and are at least min_width_m wide
-- on average (2 × area / perimeter). Coordinates rounded to 6 decimals (about
-- 0.1 m) leave slivers along long edges that can reach tens of m² but are
-- never more than a few centimetres wide.
CREATE FUNCTION grid_plan_significant(g geometry, min_m2 float8, min_width_m float8) RETURNS boolean LANGUAGE sql IMMUTABLE STRICT AS $$
  SELECT grid_plan_area_m2(g) >= min_m2
     AND 2 * grid_plan_area_m2(g) / nullif(ST_Perimeter(g::geography), 0) >= min_width_m
$$;
