-- The grid workers of one grid with their phone numbers in clear: for the
-- dispatch console only (commanders and dispatchers); every read is audited
-- by the caller (services/incident-contact-service.ts, through the grid repository). $1 grid code.
SELECT w.id, w.name, w.phone
  FROM grid_worker_assignment a
  JOIN grid_worker w ON w.id = a.worker_id
 WHERE a.grid_code = $1
 ORDER BY w.id;
