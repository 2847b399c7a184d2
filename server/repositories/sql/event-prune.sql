-- Deletes events older than $1 days and records how far pruning went. It
-- deletes a prefix of ids (everything up to the newest expired event), so
-- what remains is always one unbroken stretch of the feed.
WITH cutoff AS (
  SELECT max(id) AS through_id FROM event_log WHERE at < now() - make_interval(days => $1::int)
), gone AS (
  DELETE FROM event_log WHERE id <= (SELECT through_id FROM cutoff) RETURNING id
)
UPDATE event_log_pruned
   SET through_id = greatest(through_id, (SELECT through_id FROM cutoff))
 WHERE (SELECT through_id FROM cutoff) IS NOT NULL
RETURNING (SELECT count(*) FROM gone)::int AS deleted
