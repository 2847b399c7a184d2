-- A grid worker's tasks (我的任务): the open incidents of their grid(s), the
-- resolved ones still waiting for their on-site check (核查) first, then by
-- stage (newest first within one). A check counts for the resolution it
-- followed: after verify_fail and a new resolve the incident needs one again.
-- Each with where it is, as tasks-handler.sql says it.
-- $1 the worker's scope (grid code prefix), $2 most rows.
WITH mine AS (
  SELECT i.*,
         i.status = 'resolved' AND NOT EXISTS (
           SELECT 1 FROM incident_history h WHERE h.incident_id = i.id AND h.action = 'check' AND h.at >= i.resolved_at) AS needs_check
    FROM incident i
   WHERE i.grid_code LIKE $1 || '%' AND incident_is_open(i.status)
)
SELECT m.code, m.category_code AS category, m.urgency, m.status, m.description, m.grid_code,
       ST_X(m.location) AS lon, ST_Y(m.location) AS lat,
       concat_ws(' · ', d.name, s.name, g.name) AS place_zh,
       concat_ws(' · ', coalesce(d.name_en, d.name), coalesce(s.name_en, s.name), coalesce(grid_name_en(c.name_en, g.code), g.name)) AS place_en,
       m.reported_at, m.due_at, m.resolved_at, m.needs_check,
       (SELECT max(h.at) FROM incident_history h WHERE h.incident_id = m.id AND h.action = 'urge') AS urged_at
  FROM mine m
  LEFT JOIN grid g ON g.code = m.grid_code
  LEFT JOIN region c ON c.code = g.community_code
  LEFT JOIN region s ON s.code = left(m.grid_code, 9)
  LEFT JOIN region d ON d.code = left(m.grid_code, 6)
 ORDER BY m.needs_check DESC,
          array_position(ARRAY['resolved', 'reported', 'filed', 'dispatched', 'in_progress']::text[], m.status::text),
          m.reported_at DESC, m.code
 LIMIT $2;
