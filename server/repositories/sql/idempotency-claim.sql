-- Claims an idempotency key for a write about to be made, in that write's
-- transaction. A concurrent claim of the same (user, key) waits on the primary
-- key until the first transaction ends: if it committed, this returns no row
-- and the caller reads the stored answer; if it rolled back, this claims it.
-- $1 user id, $2 key, $3 route, $4 request hash (hex SHA-256), $5 now.
INSERT INTO idempotency_key (user_id, key, route, request_hash, created_at)
VALUES ($1, $2, $3, $4, $5)
ON CONFLICT (user_id, key) DO NOTHING
RETURNING 1 AS claimed;
