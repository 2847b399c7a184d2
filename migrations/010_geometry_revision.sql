-- A counter that every statement changing grid or region rows moves on, in
-- the same transaction. The map's geometry answers (every grid polygon, every
-- outline) are the largest the service sends and the same for everybody until
-- a boundary changes; a process keeps them in memory and asks this one row,
-- not the geometry, whether they still hold, whichever process changed them.

CREATE TABLE geometry_revision (
  singleton boolean PRIMARY KEY DEFAULT true CHECK (singleton),
  revision  bigint NOT NULL DEFAULT 0 CHECK (revision >= 0)
);
INSERT INTO geometry_revision DEFAULT VALUES;

CREATE FUNCTION bump_geometry_revision() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE geometry_revision SET revision = revision + 1;
  RETURN NULL;
END
$$;

-- Per statement, not per row: a publish that rewrites 40 grids bumps it once.
CREATE TRIGGER grid_all_geometry_revision
  AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON grid_all
  FOR EACH STATEMENT EXECUTE FUNCTION bump_geometry_revision();
CREATE TRIGGER region_geometry_revision
  AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON region
  FOR EACH STATEMENT EXECUTE FUNCTION bump_geometry_revision();
