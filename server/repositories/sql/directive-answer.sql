-- Records a district's answer to a round if, and only if, it is still
-- waiting: round 1's row exists (waiting) from the start, a later round's
-- appears with its first answer. Either way the first answer stands: of two
-- concurrent answers the second waits for the first's row (or unique index
-- entry), re-checks status = 'waiting', finds it answered and changes nothing.
-- Nothing is written for a district the directive does not address.
-- $1 directive id, $2 district code, $3 'answered' | 'zero_report',
-- $4 answer text, $5 answered_at, $6 answered_by (actor), $7 round,
-- $8 figures (jsonb or NULL).
INSERT INTO directive_target (directive_id, round, district_code, status, answer, answered_at, answered_by, figures)
SELECT $1::int, $7::int, $2::text, $3::text, $4::text, $5::timestamptz, $6::text, $8::jsonb
 WHERE EXISTS (SELECT 1 FROM directive_target WHERE directive_id = $1::int AND round = 1 AND district_code = $2::text)
ON CONFLICT (directive_id, round, district_code) DO UPDATE
   SET status = EXCLUDED.status, answer = EXCLUDED.answer, answered_at = EXCLUDED.answered_at,
       answered_by = EXCLUDED.answered_by, figures = EXCLUDED.figures
 WHERE directive_target.status = 'waiting'
RETURNING district_code, status, answer, answered_at, answered_by
