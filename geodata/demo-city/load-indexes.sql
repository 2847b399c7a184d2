-- The indexes the demo incident load would otherwise keep up row by row
-- (bulk-load.ts): every index on the incident tables and the two rollups
-- (rebuilt after the load, migrations/020 and 022) that backs no
-- constraint (primary keys and unique keys stay, so the load is still
-- checked for duplicates as it goes), with the statement that makes it
-- again exactly as the migrations did. Built once over 100k incidents they
-- cost a fraction of maintaining them: on PGlite the search index's GIN
-- (migrations/021) alone was about a third of the load.
SELECT i.indexrelid::regclass::text AS name, pg_get_indexdef(i.indexrelid) AS definition
  FROM pg_index i
 WHERE i.indrelid = ANY (ARRAY['incident', 'incident_history', 'incident_assignment', 'incident_mediation',
                                 'incident_daily', 'incident_heat']::regclass[])
   AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid)
 ORDER BY i.indexrelid;
