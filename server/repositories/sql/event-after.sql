-- Events after a cursor, oldest first, optionally for one scope.
-- $1 after id, $2 subscriber scope prefix (NULL = everything), $3 limit.
--
-- Scopes match when one is a prefix of the other: a district sees its grids'
-- incidents, a grid worker sees the directives of the district above. City
-- and province codes end in 00 pairs (430200, 430000) that the codes below
-- them do not share, so those pairs are stripped first; the same rule is
-- scopePrefix() in server/events/event-scope.ts.
SELECT e.id, e.type, e.at, e.scope, e.payload
  FROM event_log e
 CROSS JOIN LATERAL (
        SELECT CASE WHEN length(e.scope) = 6 THEN regexp_replace(e.scope, '(00)+$', '') ELSE e.scope END AS prefix
       ) p
 WHERE e.id > $1
   AND ($2::text IS NULL OR starts_with(p.prefix, $2::text) OR starts_with($2::text, p.prefix))
 ORDER BY e.id
 LIMIT $3
