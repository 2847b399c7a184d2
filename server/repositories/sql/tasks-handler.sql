-- A handler's tasks: their unit's part of incidents in hand (dispatched or in
-- progress, the unit's own part not yet resolved), overdue first, then by
-- due time. $1 unit code, $2 now, $3 scope (region prefix; null: none), $4 most rows.
SELECT i.code, i.category_code AS category, i.urgency, i.status, i.description, i.grid_code,
       ST_X(i.location) AS lon, ST_Y(i.location) AS lat,
       i.reported_at, a.due_at, a.status AS unit_status, a.due_at < $2::timestamptz AS overdue,
       (SELECT max(h.at) FROM incident_history h WHERE h.incident_id = i.id AND h.action = 'urge') AS urged_at
  FROM incident_assignment a
  JOIN incident i ON i.id = a.incident_id
 WHERE a.unit_code = $1
   AND a.status <> 'resolved'
   AND i.status IN ('dispatched', 'in_progress')
   AND ($3::text IS NULL OR i.grid_code LIKE $3 || '%')
 ORDER BY a.due_at < $2::timestamptz DESC, a.due_at, i.code
 LIMIT $4;
