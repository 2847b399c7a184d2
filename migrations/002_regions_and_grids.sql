-- The administrative hierarchy and the grids beneath it.
--
-- Codes follow GB/T 2260 for county level (6 digits) and extend it by 3 digits
-- per level: street/township (9), community/village (12), grid (15). A child's
-- code always begins with its parent's, which the CHECKs below enforce, so a
-- code alone tells the level and the whole ancestry. Codes use the "C"
-- collation so btree indexes serve prefix searches (LIKE '430202%').

CREATE TABLE region (
  code        text COLLATE "C" PRIMARY KEY,
  level       text NOT NULL CHECK (level IN ('city', 'district', 'street', 'community')),
  name        text NOT NULL CHECK (length(btrim(name)) > 0),
  name_en     text,
  parent_code text COLLATE "C" REFERENCES region (code) ON UPDATE RESTRICT ON DELETE RESTRICT,
  population  integer CHECK (population >= 0),
  boundary    geometry(MultiPolygon, 4326) NOT NULL,
  CONSTRAINT region_code_matches_level CHECK (
       (level = 'city'      AND parent_code IS NULL AND code ~ '^[1-9][0-9]{3}00$')
    OR (level = 'district'  AND code ~ '^[1-9][0-9]{5}$' AND code !~ '00$'
                            AND parent_code = left(code, 4) || '00')
    OR (level = 'street'    AND code ~ '^[0-9]{9}$'  AND parent_code = left(code, 6))
    OR (level = 'community' AND code ~ '^[0-9]{12}$' AND parent_code = left(code, 9))
  ),
  CONSTRAINT region_boundary_valid CHECK (ST_IsValid(boundary) AND NOT ST_IsEmpty(boundary))
);
CREATE INDEX region_parent_idx ON region (parent_code);
CREATE INDEX region_boundary_gix ON region USING gist (boundary);

CREATE TABLE grid (
  code           text COLLATE "C" PRIMARY KEY CHECK (code ~ '^[0-9]{15}$'),
  name           text NOT NULL CHECK (length(btrim(name)) > 0),
  community_code text COLLATE "C" NOT NULL REFERENCES region (code),
  -- The ancestry is derivable from the code; stored so that filters by any
  -- level are plain btree lookups.
  street_code    text COLLATE "C" GENERATED ALWAYS AS (left(code, 9)) STORED,
  district_code  text COLLATE "C" GENERATED ALWAYS AS (left(code, 6)) STORED,
  households     integer NOT NULL DEFAULT 0 CHECK (households >= 0),
  population     integer NOT NULL DEFAULT 0 CHECK (population >= 0),
  boundary       geometry(Geometry, 4326) NOT NULL,
  CONSTRAINT grid_code_in_community CHECK (community_code = left(code, 12)),
  CONSTRAINT grid_boundary_polygonal CHECK (GeometryType(boundary) IN ('POLYGON', 'MULTIPOLYGON')),
  CONSTRAINT grid_boundary_valid CHECK (ST_IsValid(boundary) AND NOT ST_IsEmpty(boundary))
);
CREATE INDEX grid_community_idx ON grid (community_code);
CREATE INDEX grid_district_idx ON grid (district_code);
CREATE INDEX grid_boundary_gix ON grid USING gist (boundary);

CREATE TABLE grid_worker (
  id     integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  name   text NOT NULL CHECK (length(btrim(name)) > 0),
  -- Mainland mobile numbers: 11 digits starting with 1.
  phone  text NOT NULL UNIQUE CHECK (phone ~ '^1[3-9][0-9]{9}$')
);

CREATE TABLE grid_worker_assignment (
  worker_id integer NOT NULL REFERENCES grid_worker (id) ON DELETE CASCADE,
  grid_code text COLLATE "C" NOT NULL REFERENCES grid (code) ON DELETE CASCADE,
  PRIMARY KEY (worker_id, grid_code)
);
CREATE INDEX grid_worker_assignment_grid_idx ON grid_worker_assignment (grid_code);
