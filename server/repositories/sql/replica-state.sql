-- What /api/health reports of the read replica (DATABASE_READ_URL), asked of the replica itself.
-- in_recovery: true on a standby; false once it has been promoted (it still serves the reads).
-- seconds_since_last_replay: since the primary committed the last transaction replayed here. It also
--   grows while the primary commits nothing, so read it beside replay_pending_bytes. NULL before the
--   first replay since the replica started, and on a promoted one.
-- replay_pending_bytes: WAL already received from the primary and not yet replayed (the replica's own
--   backlog; how far it is behind the primary's newest WAL only the primary can tell). NULL when unknown.
-- greatest() would turn a NULL into 0: negative values (clocks of two hosts apart) are clamped by CASE.
SELECT in_recovery,
       CASE WHEN since_replay < 0 THEN 0 ELSE since_replay END AS seconds_since_last_replay,
       CASE WHEN pending < 0 THEN 0 ELSE pending END AS replay_pending_bytes
  FROM (SELECT pg_is_in_recovery() AS in_recovery,
               extract(epoch FROM now() - pg_last_xact_replay_timestamp())::float8 AS since_replay,
               pg_wal_lsn_diff(pg_last_wal_receive_lsn(), pg_last_wal_replay_lsn())::float8 AS pending) AS replay
