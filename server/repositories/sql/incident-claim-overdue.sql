-- Claims incidents that have just become overdue (督办): dispatched or in
-- progress, past due, not yet notified. Marking them in the same statement
-- means two sweeps (or two server processes) never claim one twice.
-- $1 now, $2 batch size.
UPDATE incident i SET overdue_notified_at = $1
 WHERE i.id IN (SELECT id FROM incident
                 WHERE status IN ('dispatched', 'in_progress') AND due_at < $1 AND overdue_notified_at IS NULL
                 ORDER BY due_at LIMIT $2
                 FOR UPDATE SKIP LOCKED)
RETURNING i.id, i.code, i.status, i.category_code, i.urgency, i.grid_code, i.district_code, i.reported_at, i.due_at,
          ST_X(i.location) AS lon, ST_Y(i.location) AS lat;
