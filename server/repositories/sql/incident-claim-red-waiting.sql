-- Claims red (urgent) incidents still waiting for dispatch $2 minutes after
-- their report, once each. $1 now, $2 minutes, $3 batch size.
UPDATE incident i SET red_alerted_at = $1
 WHERE i.id IN (SELECT id FROM incident
                 WHERE urgency = 'red' AND status IN ('reported', 'filed') AND red_alerted_at IS NULL
                   AND reported_at < $1::timestamptz - make_interval(mins => $2::int)
                 ORDER BY reported_at LIMIT $3
                 FOR UPDATE SKIP LOCKED)
RETURNING i.id, i.code, i.status, i.category_code, i.urgency, i.grid_code, i.district_code, i.reported_at, i.due_at,
          ST_X(i.location) AS lon, ST_Y(i.location) AS lat;
