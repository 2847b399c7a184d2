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
-- A daily directive (日报告) is shown at the round that needs attention: the
-- earliest opened round in which a district (of those the caller sees) is
-- still waiting past that round's deadline, else its newest opened round. So
-- a district that let day 2 pass unanswered shows late, and the directive
-- overdue, even after day 3 has opened; a one-off directive has only round 1.
-- Rounds open as in directive-rounds.sql: round n when round n-1 is due.
-- Cost: directives are read newest first (directive_created_idx) and each
-- one's round and answers are computed by LATERAL over that directive's rows
-- only, so the LIMIT stops the work once enough directives pass the filters:
-- a year of history is not expanded into rounds × districts to show 50.
WITH base AS (
  SELECT d.id, d.title, d.body, d.deadline, d.created_at, d.created_by, d.daily_until, d.attachment,
         CASE WHEN d.daily_until IS NULL OR d.deadline > $4::timestamptz THEN 1
              ELSE least(greatest(1, d.daily_until - (d.deadline AT TIME ZONE 'Asia/Shanghai')::date + 1),
                         2 + floor(extract(epoch FROM $4::timestamptz - d.deadline) / 86400)::int) END AS opened
    FROM directive d
   WHERE ($1::int IS NULL OR d.id = $1::int)
), shown AS (
  SELECT b.id, b.title, b.body, b.deadline + (p.round - 1) * interval '1 day' AS deadline,
         b.created_at, b.created_by, b.daily_until, b.attachment, p.round, w.waiting,
         -- The issuer's own name when a person issued it (the actor is 'user:<username>'), once per directive and through
         -- the username's unique index; none for a token.
         (SELECT u.display_name FROM app_user u
           WHERE b.created_by LIKE 'user:%' AND u.username = substr(b.created_by, 6)) AS created_by_name
    FROM base b
   CROSS JOIN LATERAL (
     -- The earliest past-due round with a (visible) district still waiting, else the newest opened.
     SELECT coalesce(min(g.n), b.opened) AS round
       FROM generate_series(1, b.opened) AS g(n)
      WHERE b.deadline + (g.n - 1) * interval '1 day' < $4::timestamptz
        AND EXISTS (SELECT 1 FROM directive_target t
                     WHERE t.directive_id = b.id AND t.round = 1 AND ($2::text IS NULL OR t.district_code = $2::text)
                       AND NOT EXISTS (SELECT 1 FROM directive_target a
                                        WHERE a.directive_id = b.id AND a.round = g.n AND a.district_code = t.district_code
                                          AND a.status <> 'waiting'))
   ) p
   CROSS JOIN LATERAL (
     SELECT coalesce(bool_or(c.status = 'waiting') FILTER (WHERE $2::text IS NULL OR c.district_code = $2::text), false) AS waiting,
            bool_or(c.status = 'waiting') AS any_waiting,
            bool_or(c.district_code = $2::text) AS has_district,
            count(*) AS districts
       FROM (SELECT t.district_code, coalesce(a.status, 'waiting') AS status
               FROM directive_target t
               LEFT JOIN directive_target a ON a.directive_id = b.id AND a.round = p.round AND a.district_code = t.district_code
              WHERE t.directive_id = b.id AND t.round = 1) c
   ) w
   WHERE w.districts > 0
     AND ($2::text IS NULL OR w.has_district)
     AND CASE $3::text
           WHEN 'all' THEN true
           WHEN 'running' THEN w.any_waiting
           ELSE w.waiting = ($3::text = 'open')
         END
   ORDER BY b.created_at DESC, b.id DESC
   LIMIT $5::int
)
SELECT s.id, s.title, s.body, s.deadline, s.created_at, s.created_by, s.created_by_name, s.round,
       to_char(s.daily_until, 'YYYY-MM-DD') AS daily_until, s.attachment, c.figures,
       (SELECT max(m.sent_at) FROM directive_reminder m
         WHERE m.directive_id = s.id AND m.round = s.round AND m.district_code = c.district_code) AS reminded_at,
       s.waiting AND s.deadline < $4::timestamptz AS overdue,
       c.district_code AS code, r.name, c.status, c.answer, c.answered_at, c.answered_by,
       floor(extract(epoch FROM c.answered_at - c.opens_at) / 60)::int AS minutes_to_answer,
       -- Waiting rows are late once the round's deadline has passed; answered ones if the answer came after it.
       coalesce(c.answered_at, $4::timestamptz) > s.deadline AS late
  FROM shown s
 CROSS JOIN LATERAL (
   SELECT t.district_code, coalesce(a.status, 'waiting') AS status, coalesce(a.answer, '') AS answer,
          a.figures, a.answered_at, a.answered_by,
          CASE WHEN s.round = 1 THEN s.created_at ELSE s.deadline - interval '1 day' END AS opens_at
     FROM directive_target t
     LEFT JOIN directive_target a ON a.directive_id = s.id AND a.round = s.round AND a.district_code = t.district_code
    WHERE t.directive_id = s.id AND t.round = 1 AND ($2::text IS NULL OR t.district_code = $2::text)
 ) c
  JOIN region r ON r.code = c.district_code
 ORDER BY s.created_at DESC, s.id DESC, c.district_code
