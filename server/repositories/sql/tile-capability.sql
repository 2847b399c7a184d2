-- Whether this PostGIS can encode vector tiles itself (built with protobuf-c):
-- errors where it cannot ("Compiled without protobuf-c support", PGlite).
SELECT length(ST_AsMVT(q)) AS bytes FROM (SELECT 1 AS probe, ST_AsMVTGeom(ST_Point(1, 1), ST_MakeEnvelope(0, 0, 4, 4)) AS geom) q;
