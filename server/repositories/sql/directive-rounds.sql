-- The rounds of a directive that have opened, newest first, each with one row
-- per addressed district (districts in code order). A one-off directive has
-- one round; a daily one (daily_until set) is due again every 24 h after its
-- deadline up to daily_until (China dates; China has no daylight saving), and
-- round n opens when round n-1 is due. Waiting rows of later rounds are not
-- stored: a district without a row for the round is waiting.
-- $1 directive id, $2 district code (NULL = every district), $3 now.
WITH d AS (
  SELECT id, deadline, created_at, daily_until FROM directive WHERE id = $1::int
), rounds AS (
  SELECT g.n AS round,
         d.deadline + (g.n - 1) * interval '1 day' AS deadline,
         CASE WHEN g.n = 1 THEN d.created_at ELSE d.deadline + (g.n - 2) * interval '1 day' END AS opens_at
    FROM d, generate_series(1, CASE WHEN d.daily_until IS NULL THEN 1
             ELSE greatest(1, d.daily_until - (d.deadline AT TIME ZONE 'Asia/Shanghai')::date + 1) END) AS g(n)
)
SELECT r.round, to_char(r.deadline AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM-DD') AS date, r.opens_at, r.deadline,
       t.district_code AS code, reg.name, coalesce(a.status, 'waiting') AS status, coalesce(a.answer, '') AS answer,
       a.figures, a.answered_at, a.answered_by,
       floor(extract(epoch FROM a.answered_at - r.opens_at) / 60)::int AS minutes_to_answer,
       coalesce(a.answered_at, $3::timestamptz) > r.deadline AS late,
       (SELECT max(m.sent_at) FROM directive_reminder m
         WHERE m.directive_id = t.directive_id AND m.round = r.round AND m.district_code = t.district_code) AS reminded_at
  FROM rounds r
  JOIN directive_target t ON t.directive_id = $1::int AND t.round = 1 AND ($2::text IS NULL OR t.district_code = $2::text)
  LEFT JOIN directive_target a ON a.directive_id = t.directive_id AND a.round = r.round AND a.district_code = t.district_code
  JOIN region reg ON reg.code = t.district_code
 WHERE r.opens_at <= $3::timestamptz
 ORDER BY r.round DESC, t.district_code
