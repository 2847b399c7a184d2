-- PostGIS is the spatial engine on both backends: PGlite loads it from
-- @electric-sql/pglite-postgis, PostgreSQL from the postgis package.
CREATE EXTENSION IF NOT EXISTS postgis;
