-- The units incidents can be dispatched to (交办单位) that serve some part of
-- the caller's view: a city department (region_code NULL) serves everywhere,
-- a street office its street. A unit serves a place when its area contains
-- the place or lies inside it. With each unit, how many of its assignments
-- are still open (the incident in hand, the unit's part not resolved), counting only incidents inside the caller's
-- scope so a district's figures never reveal another district's work.
-- $1 the caller's scope (NULL = the whole city), $2 a region to serve or NULL,
-- $3 a category code: only units of the type that handles it, or NULL.
SELECT u.code, u.name, u.name_en, u.unit_type, u.region_code, r.name AS region_name,
       (SELECT count(*)::int
          FROM incident_assignment a JOIN incident i ON i.id = a.incident_id
         WHERE a.unit_code = u.code AND a.status IN ('assigned', 'in_progress')
           AND i.status IN ('dispatched', 'in_progress')
           AND ($1::text IS NULL OR i.grid_code LIKE $1 || '%')) AS open_assignments
  FROM unit u
  LEFT JOIN region r ON r.code = u.region_code
 WHERE ($1::text IS NULL OR u.region_code IS NULL OR u.region_code LIKE $1 || '%' OR $1 LIKE u.region_code || '%')
   AND ($2::text IS NULL OR u.region_code IS NULL OR u.region_code LIKE $2 || '%' OR $2 LIKE u.region_code || '%')
   AND ($3::text IS NULL OR u.unit_type = (SELECT c.unit_type FROM incident_category c WHERE c.code = $3))
 ORDER BY u.region_code NULLS FIRST, u.code;
