-- Directives with each addressed district's answer: one row per directive and
-- district, newest directive first, districts in code order.
-- $1 directive id (NULL = any)
-- $2 district code (NULL = every district). A district-scoped caller passes
--    its district: it gets only directives addressed to that district, and
--    only that district's row of each.
-- $3 'open' | 'closed' | 'running' | 'all'. Open means some district still
--    waiting, judged on the rows the caller sees, so a district leader's open
--    list is what their district has still to answer. Running means some
--    addressed district still waiting, whichever: what a district's wall shows
--    (its own row, answered or not, while the directive is still running).
-- $4 now: late and overdue are judged against it (a parameter, not now(), so
--    one request judges every row at the same instant as its other reads).
-- $5 how many directives at most.
-- Only round 1 of a daily directive (日报告): its later rounds are in directive-rounds.sql.
WITH shown AS (
  SELECT d.id, d.title, d.body, d.deadline, d.created_at, d.created_by, d.daily_until, d.attachment,
         coalesce(bool_or(t.status = 'waiting') FILTER (WHERE $2::text IS NULL OR t.district_code = $2::text), false) AS waiting
    FROM directive d
    JOIN directive_target t ON t.directive_id = d.id AND t.round = 1
   WHERE ($1::int IS NULL OR d.id = $1::int)
   GROUP BY d.id
  HAVING ($2::text IS NULL OR bool_or(t.district_code = $2::text))
     AND CASE $3::text
           WHEN 'all' THEN true
           WHEN 'running' THEN bool_or(t.status = 'waiting')
           ELSE coalesce(bool_or(t.status = 'waiting') FILTER (WHERE $2::text IS NULL OR t.district_code = $2::text), false) = ($3::text = 'open')
         END
   ORDER BY d.created_at DESC, d.id DESC
   LIMIT $5::int
)
SELECT s.id, s.title, s.body, s.deadline, s.created_at, s.created_by,
       to_char(s.daily_until, 'YYYY-MM-DD') AS daily_until, s.attachment, t.figures,
       (SELECT max(m.sent_at) FROM directive_reminder m
         WHERE m.directive_id = s.id AND m.round = 1 AND m.district_code = t.district_code) AS reminded_at,
       s.waiting AND s.deadline < $4::timestamptz AS overdue,
       t.district_code AS code, r.name, t.status, t.answer, t.answered_at, t.answered_by,
       floor(extract(epoch FROM t.answered_at - s.created_at) / 60)::int AS minutes_to_answer,
       -- Waiting rows are late once the deadline has passed; answered ones if the answer came after it.
       coalesce(t.answered_at, $4::timestamptz) > s.deadline AS late
  FROM shown s
  JOIN directive_target t ON t.directive_id = s.id AND t.round = 1 AND ($2::text IS NULL OR t.district_code = $2::text)
  JOIN region r ON r.code = t.district_code
 ORDER BY s.created_at DESC, s.id DESC, t.district_code
