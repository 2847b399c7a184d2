-- The foreign keys the demo incident load writes, checked once over the
-- whole load when it ran with triggers off (bulk-load.ts): one anti-join
-- per key instead of one lookup per row and key. Every count must be 0.
-- (One NOT EXISTS per scan: ORed together, or as NOT IN over 100k ids
-- that outgrow work_mem, they degrade to a lookup per row.)
SELECT
  ((SELECT count(*) FROM incident i WHERE NOT EXISTS (SELECT 1 FROM incident_category c WHERE c.code = i.category_code))
  + (SELECT count(*) FROM incident i WHERE NOT EXISTS (SELECT 1 FROM grid g WHERE g.code = i.grid_code))
  + (SELECT count(*) FROM incident i WHERE NOT EXISTS (SELECT 1 FROM region r WHERE r.code = i.community_code))
  + (SELECT count(*) FROM incident i WHERE NOT EXISTS (SELECT 1 FROM region r WHERE r.code = i.street_code))
  + (SELECT count(*) FROM incident i WHERE NOT EXISTS (SELECT 1 FROM region r WHERE r.code = i.district_code))
  + (SELECT count(*) FROM incident i WHERE i.reporter_worker_id IS NOT NULL
                                      AND NOT EXISTS (SELECT 1 FROM grid_worker w WHERE w.id = i.reporter_worker_id)))::int
    AS "incidents with an unknown category, grid, region or worker",
  ((SELECT count(*) FROM incident_assignment a WHERE NOT EXISTS (SELECT 1 FROM incident i WHERE i.id = a.incident_id))
  + (SELECT count(*) FROM incident_assignment a WHERE NOT EXISTS (SELECT 1 FROM unit u WHERE u.code = a.unit_code)))::int
    AS "assignments to an unknown incident or unit",
  (SELECT count(*) FROM incident_history h WHERE NOT EXISTS (SELECT 1 FROM incident i WHERE i.id = h.incident_id))::int
    AS "history rows of an unknown incident",
  (SELECT count(*) FROM incident_mediation m WHERE NOT EXISTS (SELECT 1 FROM incident i WHERE i.id = m.incident_id))::int
    AS "mediations of an unknown incident";
