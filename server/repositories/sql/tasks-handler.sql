-- A handler's tasks: their unit's part of incidents in hand (dispatched or in
-- progress, the unit's own part not yet resolved), overdue first, then by
-- due time, each with where it is (district · street · grid, in both
-- languages: a handler's tasks lie anywhere in the city; grid_name_en,
-- migrations/023). $1 unit code, $2 now, $3 scope (region prefix; null: none),
-- $4 most rows.
SELECT i.code, i.category_code AS category, i.urgency, i.status, i.description, i.grid_code,
       ST_X(i.location) AS lon, ST_Y(i.location) AS lat,
       concat_ws(' · ', d.name, s.name, g.name) AS place_zh,
       concat_ws(' · ', coalesce(d.name_en, d.name), coalesce(s.name_en, s.name), coalesce(grid_name_en(c.name_en, g.code), g.name)) AS place_en,
       i.reported_at, a.due_at, a.status AS unit_status, a.due_at < $2::timestamptz AS overdue,
       (SELECT max(h.at) FROM incident_history h WHERE h.incident_id = i.id AND h.action = 'urge') AS urged_at
  FROM incident_assignment a
  JOIN incident i ON i.id = a.incident_id
  LEFT JOIN grid g ON g.code = i.grid_code
  LEFT JOIN region c ON c.code = g.community_code
  LEFT JOIN region s ON s.code = left(i.grid_code, 9)
  LEFT JOIN region d ON d.code = left(i.grid_code, 6)
 WHERE a.unit_code = $1
   AND a.status <> 'resolved'
   AND i.status IN ('dispatched', 'in_progress')
   AND ($3::text IS NULL OR i.grid_code LIKE $3 || '%')
 ORDER BY a.due_at < $2::timestamptz DESC, a.due_at, i.code
 LIMIT $4;
