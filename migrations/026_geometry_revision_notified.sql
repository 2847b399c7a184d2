-- Every move of the geometry revision is also told to every server process
-- (NOTIFY gridscope_geometry, payload = the new revision, delivered at commit).
-- A process then keeps the revision in memory until told it moved
-- (server/tiles/geometry-revision-watch.ts), so a vector tile from its cache
-- costs no statement at all: before, each one read this row.

CREATE OR REPLACE FUNCTION bump_geometry_revision() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  moved_to bigint;
BEGIN
  UPDATE geometry_revision SET revision = revision + 1 RETURNING revision INTO moved_to;
  PERFORM pg_notify('gridscope_geometry', moved_to::text);
  RETURN NULL;
END
$$;
