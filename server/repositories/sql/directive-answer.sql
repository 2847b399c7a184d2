-- Records a district's answer if, and only if, it is still waiting. The
-- status guard makes the first answer stand: of two concurrent answers the
-- second waits for the first's row lock, re-checks the condition on
-- PostgreSQL's re-read of the row, finds it answered and updates nothing.
-- $1 directive id, $2 district code, $3 'answered' | 'zero_report',
-- $4 answer text, $5 answered_at, $6 answered_by (actor).
UPDATE directive_target
   SET status = $3, answer = $4, answered_at = $5, answered_by = $6
 WHERE directive_id = $1 AND district_code = $2 AND status = 'waiting'
RETURNING district_code, status, answer, answered_at, answered_by
