-- Writes one batch of drawn demo incidents with their whole workflow record:
-- the incident rows, the units they were dispatched to, failed mediations
-- and the history, in one statement. The moments come from the timeline
-- drawn in JS (incident-timeline.ts); this statement only lays them out,
-- set-based, so 100k incidents cost a handful of statements, not 600k
-- inserts. The sibling INSERTs see the new incidents' ids through RETURNING.
-- It usually runs with triggers off (bulk-load.ts), so it writes the grid
-- and its ancestry itself rather than leaving them to the incident trigger.
--
-- $1 code, $2 grid, $3 category, $4 urgency (now), $5 status, $6 description,
-- $7 reporting worker id; moments $8 reported_at, $9 filed_at,
-- $10 dispatched_at, $11 due_at, $12 resolved_at, $13 closed_at,
-- $14 red_alerted_at, $15 overdue_notified_at, $16 updated_at; the units:
-- $17 second unit's type (yellow incidents sent to two), $18/$19 when each
-- unit started, $20/$21 when each resolved its part; $22..$24 failed
-- mediations 1..3; $25 the seed for the points.
WITH attrs AS (
  SELECT a.*, row_number() OVER (PARTITION BY a.grid ORDER BY a.ord) AS n
    FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::int[],
                $8::timestamptz[], $9::timestamptz[], $10::timestamptz[], $11::timestamptz[], $12::timestamptz[],
                $13::timestamptz[], $14::timestamptz[], $15::timestamptz[], $16::timestamptz[], $17::text[],
                $18::timestamptz[], $19::timestamptz[], $20::timestamptz[], $21::timestamptz[],
                $22::timestamptz[], $23::timestamptz[], $24::timestamptz[])
         WITH ORDINALITY AS a(code, grid, category, urgency, status, description, worker,
                              reported_at, filed_at, dispatched_at, due_at, resolved_at,
                              closed_at, red_alerted_at, overdue_notified_at, updated_at, partner_type,
                              start1, start2, done1, done2, med1, med2, med3, ord)
),
per_grid AS (SELECT grid, count(*)::int AS k FROM attrs GROUP BY grid),
-- A random point inside the chosen grid. Where triggers run, the incident
-- trigger derives the same grid from the point, as for a real report. On a
-- grid of several pieces ST_GeneratePoints shares the points out by area and
-- rounding can leave it a few short, so it is asked for some spare; an
-- incident still without a point takes one on the grid's surface, so every
-- drawn incident is written.
pts AS (
  SELECT p.grid, d.path[1] AS n, d.geom
    FROM per_grid p JOIN grid g ON g.code = p.grid
    CROSS JOIN LATERAL ST_Dump(ST_GeneratePoints(g.boundary, p.k + 4 + p.k / 10, $25)) d
),
added AS (
  INSERT INTO incident (code, category_code, urgency, status, description, location, reported_at, reporter, reporter_worker_id,
                        filed_at, dispatched_at, due_at, resolved_at, closed_at, red_alerted_at, overdue_notified_at, updated_at,
                        grid_code, community_code, street_code, district_code)
  SELECT a.code, a.category, a.urgency, a.status, a.description, coalesce(pts.geom, ST_PointOnSurface(g.boundary)), a.reported_at,
         CASE WHEN a.worker IS NULL THEN '12345热线' ELSE '网格员' END, a.worker,
         a.filed_at, a.dispatched_at, a.due_at, a.resolved_at, a.closed_at, a.red_alerted_at, a.overdue_notified_at, a.updated_at,
         a.grid, left(a.grid, 12), left(a.grid, 9), left(a.grid, 6)
    FROM attrs a JOIN grid g ON g.code = a.grid
    LEFT JOIN pts ON pts.grid = a.grid AND pts.n = a.n
  RETURNING id, code, street_code
),
-- Unit codes follow demo-units.ts: a city department's code is its unit
-- type; street_office work goes to the office of the incident's own street
-- (known only once the trigger has placed it).
story AS (
  SELECT d.id, a.*,
         CASE WHEN c.unit_type = 'street_office' THEN 'street_office.' || d.street_code ELSE c.unit_type END AS unit1,
         CASE WHEN a.partner_type = 'street_office' THEN 'street_office.' || d.street_code ELSE a.partner_type END AS unit2,
         to_char(a.due_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS due_iso
    FROM added d JOIN attrs a USING (code) JOIN incident_category c ON c.code = a.category
),
assigned AS (
  INSERT INTO incident_assignment (incident_id, unit_code, assigned_at, due_at, status, resolved_at, feedback)
  SELECT s.id, u.unit, s.dispatched_at, s.due_at,
         CASE WHEN u.done IS NOT NULL THEN 'resolved' WHEN u.started IS NOT NULL THEN 'in_progress' ELSE 'assigned' END,
         u.done, CASE WHEN u.done IS NOT NULL THEN '已处置完毕' ELSE '' END
    FROM story s CROSS JOIN LATERAL (VALUES (s.unit1, s.start1, s.done1), (s.unit2, s.start2, s.done2)) u(unit, started, done)
   WHERE s.dispatched_at IS NOT NULL AND u.unit IS NOT NULL
),
mediated AS (
  INSERT INTO incident_mediation (incident_id, attempt, at, outcome, note, actor)
  SELECT s.id, m.attempt, m.at, 'failed', '双方未达成一致', 'unit:' || s.unit1
    FROM story s CROSS JOIN LATERAL (VALUES (1, s.med1), (2, s.med2), (3, s.med3)) m(attempt, at)
   WHERE m.at IS NOT NULL
),
-- One row per moment that happened, in the shapes incident-service.ts
-- writes; the status before and after each step follows from the moments.
-- Every incident has the main line; the rarer steps come in groups, each
-- looked at only for the incidents that have them (building rows that are
-- then dropped was a third of the cost). Rows are inserted in the order
-- they are built, so the third mediation gets a smaller id than the
-- escalation at the same moment; readers order by (at, id).
history AS (
  -- The main line. Only the last unit's resolve makes the incident resolved.
  SELECT s.id, h.* FROM story s CROSS JOIN LATERAL (VALUES
    (s.reported_at, CASE WHEN s.worker IS NULL THEN 'user:dispatcher' ELSE 'user:worker' END, 'report', NULL, 'reported', '', NULL::jsonb),
    (s.filed_at, 'user:dispatcher', 'file', 'reported', 'filed', '', NULL),
    (s.dispatched_at, 'user:dispatcher', 'dispatch', 'filed', 'dispatched', '',
     jsonb_build_object('units', CASE WHEN s.unit2 IS NULL THEN jsonb_build_array(s.unit1) ELSE jsonb_build_array(s.unit1, s.unit2) END,
                        'due_at', s.due_iso)),
    (s.start1, 'unit:' || s.unit1, 'start', 'dispatched', 'in_progress', '', jsonb_build_object('unit', s.unit1)),
    (s.done1, 'unit:' || s.unit1, 'resolve', 'in_progress', CASE WHEN s.done1 = s.resolved_at THEN 'resolved' ELSE 'in_progress' END, '已处置完毕',
     CASE WHEN s.unit2 IS NOT NULL AND s.done1 IS DISTINCT FROM s.resolved_at
          THEN jsonb_build_object('unit', s.unit1, 'remaining', jsonb_build_array(s.unit2)) ELSE jsonb_build_object('unit', s.unit1) END),
    (s.closed_at, 'user:dispatcher', 'close', 'resolved', 'closed', '', NULL)
  ) h(at, actor, action, from_status, to_status, note, details)
  UNION ALL
  -- The second unit of a yellow incident always starts after the first.
  SELECT s.id, h.* FROM story s CROSS JOIN LATERAL (VALUES
    (s.start2, 'unit:' || s.unit2, 'start', 'in_progress', 'in_progress', '', jsonb_build_object('unit', s.unit2)),
    (s.done2, 'unit:' || s.unit2, 'resolve', 'in_progress', CASE WHEN s.done2 = s.resolved_at THEN 'resolved' ELSE 'in_progress' END, '已处置完毕',
     CASE WHEN s.done2 IS DISTINCT FROM s.resolved_at
          THEN jsonb_build_object('unit', s.unit2, 'remaining', jsonb_build_array(s.unit1)) ELSE jsonb_build_object('unit', s.unit2) END)
  ) h(at, actor, action, from_status, to_status, note, details)
   WHERE s.start2 IS NOT NULL
  UNION ALL
  -- Failed mediations while in progress; the third makes the blue dispute yellow.
  SELECT s.id, h.* FROM story s CROSS JOIN LATERAL (VALUES
    (s.med1, 'unit:' || s.unit1, 'mediate', 'in_progress', 'in_progress', '双方未达成一致', '{"attempt": 1, "outcome": "failed", "failures": 1}'::jsonb),
    (s.med2, 'unit:' || s.unit1, 'mediate', 'in_progress', 'in_progress', '双方未达成一致', '{"attempt": 2, "outcome": "failed", "failures": 2}'),
    (s.med3, 'unit:' || s.unit1, 'mediate', 'in_progress', 'in_progress', '双方未达成一致', '{"attempt": 3, "outcome": "failed", "failures": 3}'),
    (s.med3, 'system', 'escalate', 'in_progress', 'in_progress',
     '第3次调解失败，蓝色事件升级为黄色 (mediation failed 3 times: blue becomes yellow)',
     '{"from_urgency": "blue", "to_urgency": "yellow", "failures": 3, "reason": "three failed mediations"}')
  ) h(at, actor, action, from_status, to_status, note, details)
   WHERE s.med1 IS NOT NULL
  UNION ALL
  -- Timed alerts, at the sweep that raised them; they leave the status as it was.
  SELECT s.id, h.* FROM story s CROSS JOIN LATERAL (
    SELECT CASE WHEN s.filed_at <= s.red_alerted_at THEN 'filed' ELSE 'reported' END AS red_status,
           CASE WHEN s.start1 <= s.overdue_notified_at THEN 'in_progress' ELSE 'dispatched' END AS overdue_status
  ) st CROSS JOIN LATERAL (VALUES
    (s.red_alerted_at, 'system', 'red_alert', st.red_status, st.red_status, '红色事件超过30分钟未派遣', NULL::jsonb),
    (s.overdue_notified_at, 'system', 'overdue', st.overdue_status, st.overdue_status, '超过处置时限，督办', jsonb_build_object('due_at', s.due_iso))
  ) h(at, actor, action, from_status, to_status, note, details)
   WHERE s.red_alerted_at IS NOT NULL OR s.overdue_notified_at IS NOT NULL
)
INSERT INTO incident_history (incident_id, at, actor, action, from_status, to_status, note, details)
SELECT id, at, actor, action, from_status, to_status, note, details FROM history WHERE at IS NOT NULL;
