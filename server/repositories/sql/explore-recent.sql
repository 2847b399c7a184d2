-- The newest incidents of one grid that pass the explorer's filters: a short
-- list for the grid panel (no locations: the grid is the place).
-- $1 grid code, $2 from, $3 to, $4 categories[], $5 urgencies[], $6 statuses[], $7 limit.
-- $8 a handler's unit: only incidents dispatched to it (the same scope as their incident list), or NULL.
SELECT i.code, i.category_code AS category, i.urgency, i.status, i.description, i.reported_at, i.closed_at, i.due_at
  FROM incident i
 WHERE i.grid_code = $1
   AND ($8::text IS NULL OR EXISTS (SELECT 1 FROM incident_assignment a WHERE a.incident_id = i.id AND a.unit_code = $8))
   AND ($2::timestamptz IS NULL OR i.reported_at >= $2)
   AND ($3::timestamptz IS NULL OR i.reported_at < $3)
   AND ($4::text[] IS NULL OR i.category_code = ANY($4))
   AND ($5::text[] IS NULL OR i.urgency = ANY($5))
   AND ($6::text[] IS NULL OR i.status = ANY($6))
 ORDER BY i.reported_at DESC, i.id DESC
 LIMIT $7;
