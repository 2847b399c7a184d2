-- The grid worker's on-site check (核查) of a resolved incident: a photo of
-- its own kind ('check') and a live event of its own ('incident.checked').
-- The check itself is a history row (action 'check'), as every step is.
ALTER TABLE incident_photo DROP CONSTRAINT incident_photo_kind_check;
ALTER TABLE incident_photo ADD CONSTRAINT incident_photo_kind_check CHECK (kind IN ('before', 'after', 'check'));

ALTER TABLE event_log DROP CONSTRAINT event_log_type_check;
ALTER TABLE event_log ADD CONSTRAINT event_log_type_check CHECK (type IN (
  'incident.created', 'incident.status_changed', 'incident.escalated', 'incident.overdue', 'incident.red_alert',
  'incident.urged', 'incident.checked', 'directive.created', 'directive.answered'));
