-- One incident, locked for the rest of the transaction so that two people
-- acting on it at once are served one after the other: the second sees the
-- first one's result and is refused if its action no longer applies.
-- $1 code, $2 the caller's scope (NULL = city), $3 the caller's unit (handlers;
-- NULL = any): an incident outside them is not found.
SELECT i.id, i.code, i.status, i.urgency, i.category_code, i.grid_code, i.district_code, i.street_code,
       i.reported_at, i.dispatched_at, i.due_at, i.duplicate_of,
       ST_X(i.location) AS lon, ST_Y(i.location) AS lat,
       c.deadline_hours, c.unit_type
  FROM incident i
  JOIN incident_category c ON c.code = i.category_code
 WHERE i.code = $1
   AND ($2::text IS NULL OR i.grid_code LIKE $2 || '%')
   AND ($3::text IS NULL OR EXISTS (SELECT 1 FROM incident_assignment a WHERE a.incident_id = i.id AND a.unit_code = $3))
   FOR UPDATE OF i;
