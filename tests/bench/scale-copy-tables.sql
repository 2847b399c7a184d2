-- What npm run bench:scale copies: incident and every table with a foreign
-- key to it (incident_history, incident_assignment, incident_photo,
-- incident_mediation today; a new one is copied without a change here), with
-- the column that refers to an incident. incident itself appears through
-- duplicate_of. One row per referring column.
SELECT c.conrelid::regclass::text AS table_name, a.attname AS column_name
  FROM pg_constraint c
  JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = c.conkey[1]
 WHERE c.contype = 'f' AND c.confrelid = 'incident'::regclass AND cardinality(c.conkey) = 1
 ORDER BY c.conrelid = 'incident'::regclass DESC, 1, 2;
