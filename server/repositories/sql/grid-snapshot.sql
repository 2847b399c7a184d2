-- The current grids of community $1 as the audit log records them around a publish.
SELECT code, name, households, population, ST_AsGeoJSON(ST_ForcePolygonCCW(boundary), 6)::json AS geometry
  FROM grid WHERE community_code = $1 ORDER BY code;
