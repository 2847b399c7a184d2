-- Moves on with every change to grid or region rows (migrations/010_geometry_revision.sql).
SELECT revision::text AS revision FROM geometry_revision;
