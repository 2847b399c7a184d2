-- Who may see and change what: handling units, users, sessions, API tokens
-- and the append-only audit log.
--
-- A scope is a code: a region code (city, district, street, community) or a
-- grid code. Codes are hierarchical prefixes, so "inside my scope" is
-- `code LIKE scope || '%'`. A NULL scope means the whole city. The city's own
-- code (430200) is not a prefix of its districts' codes, so it is never stored
-- as a scope.

-- The units incidents are dispatched to (交办): city departments and street
-- offices. unit_type matches incident_category.unit_type.
CREATE TABLE unit (
  code        text COLLATE "C" PRIMARY KEY CHECK (code ~ '^[a-z0-9_.-]{2,60}$'),
  name        text NOT NULL CHECK (length(btrim(name)) > 0),
  name_en     text,
  unit_type   text NOT NULL CHECK (unit_type ~ '^[a-z][a-z_]*$'),
  -- A street office serves its street; a city department serves everywhere (NULL).
  region_code text COLLATE "C" REFERENCES region (code)
);
CREATE INDEX unit_type_idx ON unit (unit_type, region_code);

CREATE TABLE app_user (
  id            integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  username      text COLLATE "C" NOT NULL UNIQUE CHECK (username ~ '^[a-z0-9][a-z0-9_.-]{2,39}$'),
  display_name  text NOT NULL CHECK (length(btrim(display_name)) > 0),
  role          text NOT NULL CHECK (role IN ('commander', 'district_leader', 'staff', 'dispatcher',
                                              'handler', 'grid_worker', 'planner', 'viewer')),
  scope_code    text COLLATE "C" CHECK (scope_code ~ '^[0-9]{6}([0-9]{3}){0,3}$'),
  unit_code     text COLLATE "C" REFERENCES unit (code),
  -- scrypt$N$r$p$salt$hash, never the password itself.
  password_hash text NOT NULL CHECK (password_hash LIKE 'scrypt$%'),
  disabled      boolean NOT NULL DEFAULT false,
  created_at    timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT app_user_handler_has_unit CHECK ((role = 'handler') = (unit_code IS NOT NULL)),
  CONSTRAINT app_user_scoped_roles CHECK (
    role IN ('commander', 'handler', 'viewer', 'dispatcher', 'planner') OR scope_code IS NOT NULL),
  CONSTRAINT app_user_grid_worker_scope CHECK (role <> 'grid_worker' OR length(scope_code) = 15)
);

-- Sessions of the web app. Only a hash of the cookie value is stored, so a
-- copy of the table does not let anyone log in.
CREATE TABLE user_session (
  id_hash    bytea PRIMARY KEY,
  user_id    integer NOT NULL REFERENCES app_user (id) ON DELETE CASCADE,
  csrf_token text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  expires_at timestamptz NOT NULL,
  CHECK (expires_at > created_at)
);
CREATE INDEX user_session_user_idx ON user_session (user_id);
CREATE INDEX user_session_expiry_idx ON user_session (expires_at);

-- Tokens for devices and wall displays. The token is shown once; the table
-- keeps its hash and a short prefix so people can tell tokens apart.
CREATE TABLE api_token (
  id          integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  name        text NOT NULL CHECK (length(btrim(name)) > 0),
  token_hash  bytea NOT NULL UNIQUE,
  prefix      text NOT NULL,
  role        text NOT NULL CHECK (role IN ('commander', 'district_leader', 'staff', 'dispatcher',
                                            'handler', 'grid_worker', 'planner', 'viewer')),
  scope_code  text COLLATE "C" CHECK (scope_code ~ '^[0-9]{6}([0-9]{3}){0,3}$'),
  unit_code   text COLLATE "C" REFERENCES unit (code),
  created_by  integer NOT NULL REFERENCES app_user (id),
  created_at  timestamptz NOT NULL DEFAULT now(),
  expires_at  timestamptz,
  revoked_at  timestamptz,
  revoked_by  integer REFERENCES app_user (id),
  last_used_at timestamptz,
  CONSTRAINT api_token_handler_has_unit CHECK ((role = 'handler') = (unit_code IS NOT NULL)),
  CONSTRAINT api_token_revocation CHECK ((revoked_at IS NULL) = (revoked_by IS NULL))
);

-- Every write, with who did it and what it looked like before and after.
CREATE TABLE audit_log (
  id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  at          timestamptz NOT NULL DEFAULT now(),
  actor       text NOT NULL,              -- 'user:commander', 'token:7', 'system'
  actor_user_id integer REFERENCES app_user (id),
  action      text NOT NULL CHECK (action ~ '^[a-z_]+\.[a-z_.]+$'),
  target_type text NOT NULL,
  target_id   text NOT NULL,
  before      jsonb,
  after       jsonb,
  client_ip   text
);
CREATE INDEX audit_log_at_idx ON audit_log (at);
CREATE INDEX audit_log_actor_idx ON audit_log (actor, at);
CREATE INDEX audit_log_target_idx ON audit_log (target_type, target_id, at);

-- Append-only: the database itself refuses to change or remove history.
CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'audit_log is append-only' USING ERRCODE = 'GS403';
END $$;
CREATE TRIGGER audit_log_no_update BEFORE UPDATE OR DELETE ON audit_log
  FOR EACH ROW EXECUTE FUNCTION audit_log_append_only();
CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
  FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only();
