-- Urging (督办) an incident in hand is announced live, so that the unit's
-- queue and the wall can show it at once: a new kind of event.
ALTER TABLE event_log DROP CONSTRAINT event_log_type_check;
ALTER TABLE event_log ADD CONSTRAINT event_log_type_check CHECK (type IN (
  'incident.created', 'incident.status_changed', 'incident.escalated', 'incident.overdue', 'incident.red_alert',
  'incident.urged', 'directive.created', 'directive.answered'));
