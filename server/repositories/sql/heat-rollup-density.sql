-- How many heat rollup rows there are per incident, from the planner's own
-- row estimates (pg_class.reltuples, kept by ANALYZE and autovacuum: no scan,
-- whatever the table sizes). The heatmap reads the rollup only where it holds
-- fewer rows than the incidents it stands for (map-repository.ts): in a
-- sparse city every incident has a day × cell of its own and the rollup is
-- no smaller than the rows; in a dense one many incidents share a row.
-- NULL when either table has never been analysed (reltuples < 0, or 0 on an
-- empty or fresh table): then the rows are read, as before the rollup.
SELECT CASE WHEN i.reltuples > 0 AND h.reltuples > 0 THEN (h.reltuples / 2 / i.reltuples)::float8 END AS rows_per_incident
  FROM pg_class i, pg_class h
 WHERE i.oid = 'incident'::regclass AND h.oid = 'incident_heat'::regclass;
