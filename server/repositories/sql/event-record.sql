-- Appends one event and queues its notification; both take effect at commit.
-- $1 type, $2 scope, $3 payload (jsonb). The caller holds the event lock
-- (event-lock.sql) taken just before, in the same transaction.
WITH inserted AS (
  INSERT INTO event_log (type, scope, payload)
  VALUES ($1, $2, $3::jsonb)
  RETURNING id
)
SELECT id, pg_notify('gridscope_events', id::text) AS notified
  FROM inserted
