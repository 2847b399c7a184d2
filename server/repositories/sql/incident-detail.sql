-- One incident as a GeoJSON Feature with its whole record: history in order,
-- the units it was dispatched to, photos, mediations and the original it
-- duplicates, and the latest on-site check. $1 code, $2 scope, $3 unit (as in incident-lock.sql), $4 now.
SELECT json_build_object(
  'type', 'Feature',
  'id', i.code,
  'geometry', ST_AsGeoJSON(i.location, 6)::json,
  'properties', json_build_object(
    'code', i.code, 'category', i.category_code, 'category_name', json_build_object('zh', c.name_zh, 'en', c.name_en),
    'urgency', i.urgency, 'status', i.status, 'description', i.description, 'reporter', i.reporter,
    'deadline_hours', c.deadline_hours,
    'reported_at', i.reported_at, 'filed_at', i.filed_at, 'dispatched_at', i.dispatched_at, 'due_at', i.due_at,
    'resolved_at', i.resolved_at, 'closed_at', i.closed_at,
    'overdue', i.status IN ('dispatched', 'in_progress') AND i.due_at < $4::timestamptz,
    'urged_at', (SELECT max(h.at) FROM incident_history h WHERE h.incident_id = i.id AND h.action = 'urge'),
    -- The grid worker's latest on-site check (核查), shown beside the handler's after photo.
    'site_check', (SELECT json_build_object('verdict', h.details ->> 'verdict', 'note', h.note, 'at', h.at, 'actor', h.actor,
                                            'photo_urls', (SELECT coalesce(json_agg('/api/incidents/' || i.code || '/photos/' || p ORDER BY p::bigint), '[]'::json)
                                                             FROM jsonb_array_elements_text(h.details -> 'photo_ids') p),
                                            'current', i.resolved_at IS NOT NULL AND h.at >= i.resolved_at)
                     FROM incident_history h WHERE h.incident_id = i.id AND h.action = 'check' ORDER BY h.at DESC, h.id DESC LIMIT 1),
    -- The grid's name: the code alone told a dispatcher nothing (grid_name_en, migrations/023).
    'grid_name', CASE WHEN g.code IS NOT NULL THEN json_build_object('zh', g.name, 'en', coalesce(grid_name_en(gc.name_en, g.code), g.name)) END,
    'grid_code', i.grid_code, 'community_code', i.community_code, 'street_code', i.street_code, 'district_code', i.district_code,
    'duplicate_of', (SELECT o.code FROM incident o WHERE o.id = i.duplicate_of),
    'assignments', coalesce((
      SELECT json_agg(json_build_object('unit', a.unit_code, 'unit_name', u.name, 'unit_name_en', u.name_en, 'status', a.status, 'assigned_at', a.assigned_at,
                                        'due_at', a.due_at, 'resolved_at', a.resolved_at, 'feedback', a.feedback) ORDER BY a.unit_code)
        FROM incident_assignment a JOIN unit u ON u.code = a.unit_code WHERE a.incident_id = i.id), '[]'::json),
    'photos', coalesce((
      SELECT json_agg(json_build_object('id', p.id, 'kind', p.kind, 'mime', p.mime, 'bytes', p.bytes, 'uploaded_by', p.uploaded_by,
                                        'uploaded_at', p.uploaded_at, 'url', '/api/incidents/' || i.code || '/photos/' || p.id) ORDER BY p.id)
        FROM incident_photo p WHERE p.incident_id = i.id), '[]'::json),
    'mediations', coalesce((
      SELECT json_agg(json_build_object('attempt', m.attempt, 'at', m.at, 'outcome', m.outcome, 'note', m.note, 'actor', m.actor) ORDER BY m.attempt)
        FROM incident_mediation m WHERE m.incident_id = i.id), '[]'::json),
    'history', coalesce((
      SELECT json_agg(json_build_object('at', h.at, 'actor', h.actor, 'action', h.action, 'from_status', h.from_status,
                                        'to_status', h.to_status, 'note', h.note, 'details', h.details) ORDER BY h.at, h.id)
        FROM incident_history h WHERE h.incident_id = i.id), '[]'::json))
)::text AS body
  FROM incident i
  JOIN incident_category c ON c.code = i.category_code
  LEFT JOIN grid g ON g.code = i.grid_code
  LEFT JOIN region gc ON gc.code = g.community_code
 WHERE i.code = $1
   AND ($2::text IS NULL OR i.grid_code LIKE $2 || '%')
   AND ($3::text IS NULL OR EXISTS (SELECT 1 FROM incident_assignment a WHERE a.incident_id = i.id AND a.unit_code = $3));
